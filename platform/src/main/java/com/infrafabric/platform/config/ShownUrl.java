package com.infrafabric.platform.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A configured URL as a message may show it: its scheme, host and port, and {@code /…} for anything
 * after them. A URL an operator configures may carry a secret anywhere past its host (user info, a
 * query token, a webhook's path, as Slack's are), and a launch error or a settings dump is read by
 * whoever reads the log; the origin is enough to say which entry is wrong. A value that is not a
 * URL is shown by where and why it fails to parse, never by its text.
 */
public final class ShownUrl {

  private ShownUrl() {}

  /** {@code text} as a message may show it. */
  public static String of(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "a value that is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")";
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return "a value that is not an absolute URL with a host";
    }
    String origin =
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    boolean more =
        uri.getRawUserInfo() != null
            || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
            || uri.getRawQuery() != null
            || uri.getRawFragment() != null;
    return more ? origin + "/…" : origin;
  }

  /** {@code uri} as a message may show it. */
  public static String of(URI uri) {
    return of(uri.toString());
  }
}
