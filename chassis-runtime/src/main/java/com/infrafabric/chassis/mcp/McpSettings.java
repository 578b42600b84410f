package com.infrafabric.chassis.mcp;

import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.ShownUrl;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the chassis serves the Model Context Protocol:
 *
 * <pre>
 * chassis.mcp.sessionIdleTimeout (30m)   a session unused this long ends; the client initializes again
 * chassis.mcp.maxSessionsPerAgent (8)    live sessions of one agent; one more initialize ends the
 *                                        least recently used idle one (no call running, no stream
 *                                        open), and is refused only when every one is busy
 * chassis.mcp.sessionRecheck (1s)        how long a node trusts a session it saw in Redis before it
 *                                        asks again (a session ended on another node still works
 *                                        here for at most this long)
 * chassis.mcp.pageSize (50)              tools per tools/list page
 * chassis.mcp.toolsPollInterval (2s)     how often a node with open streams looks for published or
 *                                        removed tools, to send notifications/tools/list_changed
 * chassis.mcp.maxStreams (64)            open notification streams (GET /mcp) on one node
 * chassis.mcp.publicUrl                  the endpoint's URL as clients reach it (behind a proxy);
 *                                        by default the request's own origin + /mcp
 * chassis.mcp.authorizationServers       issuer URLs of the authorization servers that issue its
 *                                        tokens, for the protected-resource metadata
 * </pre>
 */
public record McpSettings(
    Duration sessionIdleTimeout,
    int maxSessionsPerAgent,
    Duration sessionRecheck,
    int pageSize,
    Duration toolsPollInterval,
    int maxStreams,
    Optional<URI> publicUrl,
    List<String> authorizationServers) {

  public McpSettings {
    Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    Objects.requireNonNull(sessionRecheck, "sessionRecheck");
    Objects.requireNonNull(toolsPollInterval, "toolsPollInterval");
    Objects.requireNonNull(publicUrl, "publicUrl");
    authorizationServers = List.copyOf(authorizationServers);
    positive("chassis.mcp.sessionIdleTimeout", sessionIdleTimeout);
    positive("chassis.mcp.sessionRecheck", sessionRecheck);
    positive("chassis.mcp.toolsPollInterval", toolsPollInterval);
    if (sessionRecheck.compareTo(sessionIdleTimeout) >= 0) {
      throw new IllegalArgumentException(
          "chassis.mcp.sessionRecheck must be shorter than chassis.mcp.sessionIdleTimeout");
    }
  }

  public static McpSettings defaults() {
    return new McpSettings(
        Duration.ofMinutes(30),
        8,
        Duration.ofSeconds(1),
        50,
        Duration.ofSeconds(2),
        64,
        Optional.empty(),
        List.of());
  }

  /**
   * Reads every {@code chassis.mcp.*} key.
   *
   * @throws IllegalArgumentException naming the first bad key
   */
  public static McpSettings from(Config config) {
    McpSettings d = defaults();
    return new McpSettings(
        config.duration("chassis.mcp.sessionIdleTimeout", d.sessionIdleTimeout()),
        (int) config.integer("chassis.mcp.maxSessionsPerAgent", d.maxSessionsPerAgent(), 1, 1000),
        config.duration("chassis.mcp.sessionRecheck", d.sessionRecheck()),
        (int) config.integer("chassis.mcp.pageSize", d.pageSize(), 1, 1000),
        config.duration("chassis.mcp.toolsPollInterval", d.toolsPollInterval()),
        (int) config.integer("chassis.mcp.maxStreams", d.maxStreams(), 0, 100_000),
        config.optional("chassis.mcp.publicUrl").map(McpSettings::url),
        config.list("chassis.mcp.authorizationServers"));
  }

  private static URI url(String text) {
    try {
      URI url = URI.create(text);
      if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          || url.getHost() == null
          || url.getRawQuery() != null
          || url.getRawFragment() != null) {
        throw new IllegalArgumentException("not an http(s) URL without query");
      }
      return url;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "chassis.mcp.publicUrl " + ShownUrl.of(text) + " is not an http(s) URL without query");
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive");
    }
  }
}
