package com.infrafabric.chassis.internal.egress;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which request headers the host lets a tool (or an operator's credential) set, and what their
 * names and values may contain: no Host, hop-by-hop, framing or proxy headers, names that are HTTP
 * tokens, values without control characters.
 */
public final class HeaderRules {

  private static final Set<String> FORBIDDEN =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "trailers",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "expect",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-host");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");

  private HeaderRules() {}

  /** True if {@code lowercaseName} is one only the host may set. */
  public static boolean forbidden(String lowercaseName) {
    return FORBIDDEN.contains(lowercaseName) || lowercaseName.startsWith("proxy-");
  }

  /** True if {@code name} is an HTTP token of at most 128 characters. */
  public static boolean validName(String name) {
    return TOKEN.matcher(name).matches();
  }

  /** True for at most 8192 characters of tab, visible Latin-1 and space. */
  public static boolean validValue(String value) {
    return value.length() <= 8192
        && value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7F && c < 0x100));
  }
}
