package com.infrafabric.llm.destination;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A URL a guest asked for, reduced to what the egress checks and the client need. Parsing is
 * strict: anything two URL parsers might read differently (user info, a trailing dot, zone ids,
 * numeric hosts in unusual notations, non-ASCII) is refused rather than normalized.
 *
 * @param scheme {@code http} or {@code https}, lowercase
 * @param host lowercase host name, or the address as {@link InetAddress#getHostAddress()} prints it
 *     (an IPv4-mapped IPv6 literal becomes its IPv4 address)
 * @param port explicit or the scheme's default
 * @param pathAndQuery what goes on the request line, at least {@code /}
 * @param literal the address when the host is an IP literal
 */
public record Destination(
    String scheme, String host, int port, String pathAndQuery, Optional<InetAddress> literal) {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException naming what is wrong with the URL, in words the guest may see
   */
  public static Destination parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid absolute URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("url is not a valid absolute URL");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("url must not carry user info");
    }
    if (uri.getHost() == null) {
      throw unparsableHost(uri.getRawAuthority());
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String pathAndQuery = uri.getRawQuery() == null ? path : path + '?' + uri.getRawQuery();
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      InetAddress address = ipv6Literal(host.substring(1, host.length() - 1));
      return new Destination(
          scheme, address.getHostAddress(), port, pathAndQuery, Optional.of(address));
    }
    return new Destination(scheme, host, port, pathAndQuery, ipv4OrName(host));
  }

  /** {@code scheme://host:port}, with IPv6 hosts in brackets, as allow-list patterns read. */
  public String origin() {
    return scheme + "://" + authorityHost() + ':' + port;
  }

  /**
   * The host as a URL's authority and a Host header write it: an IPv6 address in brackets, which
   * {@link #host} alone is not (an HTTP client refuses it there).
   */
  public String authorityHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** The absolute URL the request is for, for messages and redirect resolution. */
  public URI uri() {
    return URI.create(origin() + pathAndQuery);
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      default -> -1;
    };
  }

  /** java.net.URI leaves the host null for numeric forms it cannot read, like {@code 127.1}. */
  private static IllegalArgumentException unparsableHost(String authority) {
    String host = authority.replaceFirst(":[0-9]*$", "");
    if (Ipv4Notation.looksNumeric(host)) {
      return nonCanonical(host);
    }
    return new IllegalArgumentException("url host is not a valid host name or address");
  }

  private static IllegalArgumentException nonCanonical(String host) {
    return new IllegalArgumentException(
        "url host " + host + " is an IPv4 address in a non-canonical notation");
  }

  private static Optional<InetAddress> ipv4OrName(String host) {
    if (host.endsWith(".")) {
      throw new IllegalArgumentException("url host must not end with a dot");
    }
    if (Ipv4Notation.looksNumeric(host)) {
      if (!Ipv4Notation.isCanonical(host)) {
        throw nonCanonical(host);
      }
      return Optional.of(address(Ipv4Notation.parse(host).orElseThrow()));
    }
    if (host.length() > 253) {
      throw new IllegalArgumentException("url host is longer than 253 characters");
    }
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException("url host is not a valid host name or address");
      }
    }
    return Optional.empty();
  }

  private static InetAddress ipv6Literal(String text) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException("url host must not carry an IPv6 zone id");
    }
    try {
      return InetAddress.getByAddress(InetAddress.getByName(text).getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("url host is not a valid IPv6 address");
    }
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an address", e);
    }
  }
}
