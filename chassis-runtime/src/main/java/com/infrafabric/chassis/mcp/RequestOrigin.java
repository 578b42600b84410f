package com.infrafabric.chassis.mcp;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.regex.Pattern;

/**
 * The origin ({@code scheme://host:port}) the MCP metadata names when {@code chassis.mcp.publicUrl}
 * is not set. The request's {@code Host} is the caller's word: it is used only when it names this
 * server itself (a loopback name or address, or the address the connection reached), so a forged
 * {@code Host} cannot make the server point clients (or a cache in between) at another origin for
 * their tokens; any other host gives the address the connection reached.
 */
final class RequestOrigin {

  private static final Pattern LOOPBACK =
      Pattern.compile("(?i)localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[?::1]?");

  private RequestOrigin() {}

  /** The origin of {@code request} as this server may name it. */
  static String of(HttpServerRequest request) {
    HostAndPort named = request.authority();
    SocketAddress reached = request.localAddress();
    String authority =
        named != null && isThisServer(named.host(), reached)
            ? named.toString()
            : literal(reached.hostAddress()) + ":" + reached.port();
    return request.scheme() + "://" + authority;
  }

  private static boolean isThisServer(String host, SocketAddress reached) {
    return LOOPBACK.matcher(host).matches()
        || literal(reached.hostAddress()).equalsIgnoreCase(literal(host));
  }

  /** An IPv6 address in brackets, as a URL holds it; any other host as it is. */
  private static String literal(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
