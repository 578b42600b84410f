package com.infrafabric.llm.destination;

import com.infrafabric.platform.http.Excerpt;
import java.util.regex.Pattern;

/**
 * One allow-list entry, {@code scheme://host:port}. The port is mandatory so that a pattern never
 * silently covers a second service on the same host, and written as a number is (no leading zero,
 * which other parsers read otherwise). A host starting with {@code *.} matches deeper names only on
 * a label boundary: {@code *.example.com} matches {@code api.example.com} and {@code
 * a.b.example.com}, not {@code example.com} and not {@code evilexample.com}; the name after {@code
 * *.} has two labels at least, so no pattern covers a whole top-level domain ({@code *.com}).
 *
 * @param scheme {@code http} or {@code https}
 * @param host exact lowercase host, or the suffix after {@code *.} when {@code wildcard}
 * @param wildcard whether the pattern was written {@code *.host}
 * @param port the one port it allows
 */
public record DestinationPattern(String scheme, String host, boolean wildcard, int port) {

  private static final Pattern FORM =
      Pattern.compile("(https?)://(\\*\\.)?([a-z0-9.-]+|\\[[0-9a-f:.]+\\]):([1-9][0-9]{0,4})");

  /**
   * Parses a pattern from a contract.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static DestinationPattern parse(String text) {
    var matcher = FORM.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          Excerpt.quoted(text) + " is not of the form scheme://host:port (scheme http or https)");
    }
    int port = Integer.parseInt(matcher.group(4));
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          Excerpt.quoted(text) + " has port " + port + " outside 1..65535");
    }
    String host = matcher.group(3);
    Destination probe = Destination.parse(matcher.group(1) + "://" + host + ':' + port);
    if (matcher.group(2) != null && probe.literal().isPresent()) {
      throw new IllegalArgumentException(
          Excerpt.quoted(text) + " puts a wildcard before an address");
    }
    if (matcher.group(2) != null && probe.host().indexOf('.') < 0) {
      throw new IllegalArgumentException(
          Excerpt.quoted(text)
              + " puts a wildcard before a top-level domain; name two labels at least");
    }
    return new DestinationPattern(matcher.group(1), probe.host(), matcher.group(2) != null, port);
  }

  /** True if a request to {@code destination} is covered by this pattern. */
  public boolean matches(Destination destination) {
    if (!scheme.equals(destination.scheme()) || port != destination.port()) {
      return false;
    }
    return wildcard ? destination.host().endsWith('.' + host) : host.equals(destination.host());
  }

  @Override
  public String toString() {
    return scheme + "://" + (wildcard ? "*." : "") + host + ':' + port;
  }
}
