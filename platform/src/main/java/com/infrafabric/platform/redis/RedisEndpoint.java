package com.infrafabric.platform.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a Redis server is and how to authenticate to it. {@link #toString()} never shows the
 * password, so an endpoint can be logged.
 *
 * @param host server host name or address
 * @param port server port
 * @param user ACL user name, or null for the default user
 * @param password password, or null when the server requires none
 * @param tls whether to connect with TLS ({@code rediss://})
 * @param database logical database number
 */
public record RedisEndpoint(
    String host, int port, String user, String password, boolean tls, int database) {

  public RedisEndpoint {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("Redis port " + port + " is outside 1..65535");
    }
    if (database < 0) {
      throw new IllegalArgumentException("Redis database " + database + " is negative");
    }
  }

  /** A plain loopback endpoint with a password, as {@link ManagedRedisServer} serves. */
  public RedisEndpoint(String host, int port, String password) {
    this(host, port, null, password, false, 0);
  }

  /**
   * Parses {@code redis://[user[:password]@]host[:port][/db]} or {@code rediss://...} (TLS).
   *
   * @throws IllegalArgumentException with a message that never repeats the password
   */
  public static RedisEndpoint parse(String url) {
    URI uri;
    try {
      uri = new URI(Objects.requireNonNull(url, "url"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "REDIS_URL is not a valid URL (expected redis://host:port)");
    }
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException(
          "REDIS_URL scheme must be redis:// or rediss://, not " + scheme + "://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("REDIS_URL has no host");
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
      user = rawUser.isEmpty() ? null : decode(rawUser);
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new RedisEndpoint(
        uri.getHost(),
        uri.getPort() < 0 ? 6379 : uri.getPort(),
        user,
        password,
        "rediss".equals(scheme),
        database(uri.getPath()));
  }

  private static int database(String path) {
    if (path == null || path.isEmpty() || "/".equals(path)) {
      return 0;
    }
    try {
      return Integer.parseInt(path.substring(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("REDIS_URL path must be a database number, not " + path);
    }
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** The connection string without credentials, for the Vert.x client. */
  public String connectionString() {
    return (tls ? "rediss://" : "redis://") + host + ':' + port + '/' + database;
  }

  @Override
  public String toString() {
    String credentials =
        user == null && password == null ? "" : (user == null ? "" : user) + ":***@";
    return (tls ? "rediss://" : "redis://") + credentials + host + ':' + port + '/' + database;
  }
}
