package com.infrafabric.platform.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where Redis is, in which topology, and how to authenticate to it. {@link #toString()} never shows
 * the password, so an endpoint can be logged.
 *
 * <p>The URL schemes, each also with TLS ({@code rediss...}):
 *
 * <ul>
 *   <li>{@code redis://[user[:password]@]host[:port][/db]}: one server ({@link
 *       Topology#STANDALONE});
 *   <li>{@code redis-sentinel://[user[:password]@]host:port[,host:port...]/master[/db]}: the master
 *       a group of Sentinels names, found again after each failover ({@link Topology#SENTINEL});
 *       the credentials are sent to the Sentinels and to the master alike;
 *   <li>{@code redis-cluster://[user[:password]@]host:port[,host:port...]}: a Redis Cluster, found
 *       from any of the seed nodes listed ({@link Topology#CLUSTER}; database 0 only).
 * </ul>
 *
 * @param topology how the servers are arranged
 * @param addresses the server (standalone), the Sentinels, or the cluster's seed nodes; never empty
 * @param masterName the name the Sentinels monitor the master under; null unless {@code SENTINEL}
 * @param user ACL user name, or null for the default user
 * @param password password, or null when the server requires none
 * @param tls whether to connect with TLS
 * @param database logical database number
 */
public record RedisEndpoint(
    Topology topology,
    List<Address> addresses,
    String masterName,
    String user,
    String password,
    boolean tls,
    int database) {

  private static final int DEFAULT_PORT = 6379;

  public RedisEndpoint {
    Objects.requireNonNull(topology, "topology");
    addresses = List.copyOf(addresses);
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("REDIS_URL names no host");
    }
    if (topology == Topology.STANDALONE && addresses.size() > 1) {
      throw new IllegalArgumentException(
          "redis:// names one server; use redis-sentinel:// or redis-cluster:// for several");
    }
    if ((topology == Topology.SENTINEL) != (masterName != null && !masterName.isEmpty())) {
      throw new IllegalArgumentException(
          "REDIS_URL must name the Sentinel master (redis-sentinel://host:port/master), and only"
              + " a Sentinel URL may");
    }
    if (database < 0) {
      throw new IllegalArgumentException("Redis database " + database + " is negative");
    }
    if (topology == Topology.CLUSTER && database != 0) {
      throw new IllegalArgumentException("a Redis Cluster has database 0 only, not " + database);
    }
  }

  /** One server, as {@link ManagedRedisServer} serves it. */
  public RedisEndpoint(
      String host, int port, String user, String password, boolean tls, int database) {
    this(
        Topology.STANDALONE, List.of(new Address(host, port)), null, user, password, tls, database);
  }

  /** A plain loopback endpoint with a password, as {@link ManagedRedisServer} serves. */
  public RedisEndpoint(String host, int port, String password) {
    this(host, port, null, password, false, 0);
  }

  /**
   * Parses a URL in one of the schemes listed above.
   *
   * @throws IllegalArgumentException with a message that never repeats the password
   */
  public static RedisEndpoint parse(String url) {
    Objects.requireNonNull(url, "url");
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      throw new IllegalArgumentException(
          "REDIS_URL is not a valid URL (expected redis://host:port)");
    }
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    Topology topology = Topology.of(scheme);
    String rest = url.substring(schemeEnd + 3);
    // Everything up to the last '@' is the user information, whatever it holds: a password with a
    // '/' or '?' that was not percent-encoded (a Base64 one, say) must not be read as the path or
    // the port, where an error would quote it. Nothing after the hosts is ever a secret.
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? null : rest.substring(0, at);
    String located = at < 0 ? rest : rest.substring(at + 1);
    if (located.indexOf('?') >= 0 || located.indexOf('#') >= 0) {
      throw new IllegalArgumentException(
          "REDIS_URL takes no query or fragment: give the password before the host,"
              + " redis://:password@host:port");
    }
    int slash = located.indexOf('/');
    List<String> path = slash < 0 ? List.of() : segments(located.substring(slash + 1));
    List<Address> addresses = addresses(slash < 0 ? located : located.substring(0, slash));
    String master = topology == Topology.SENTINEL && !path.isEmpty() ? path.get(0) : null;
    List<String> databasePath =
        topology == Topology.SENTINEL && !path.isEmpty() ? path.subList(1, path.size()) : path;
    return new RedisEndpoint(
        topology,
        addresses,
        master == null ? null : decode(master),
        user(userInfo),
        password(userInfo),
        scheme.startsWith("rediss"),
        database(databasePath));
  }

  /** The first address: the one server of a standalone endpoint. */
  public String host() {
    return addresses.get(0).host();
  }

  /** The port of the {@link #host() first address}. */
  public int port() {
    return addresses.get(0).port();
  }

  /** The connection string of {@code address} without credentials, for the Vert.x client. */
  public String connectionString(Address address) {
    return (tls ? "rediss://" : "redis://") + address + '/' + database;
  }

  /** The connection string of the first address without credentials. */
  public String connectionString() {
    return connectionString(addresses.get(0));
  }

  @Override
  public String toString() {
    String credentials =
        user == null && password == null ? "" : (user == null ? "" : user) + ":***@";
    String hosts = addresses.stream().map(Address::toString).collect(Collectors.joining(","));
    String path =
        switch (topology) {
          case STANDALONE -> "/" + database;
          case SENTINEL -> "/" + masterName + "/" + database;
          case CLUSTER -> "";
        };
    return topology.scheme(tls) + "://" + credentials + hosts + path;
  }

  private static List<Address> addresses(String hosts) {
    List<Address> addresses = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      addresses.add(Address.parse(host));
    }
    return addresses;
  }

  private static List<String> segments(String path) {
    return path.isEmpty() ? List.of() : List.of(path.split("/", -1));
  }

  private static String user(String userInfo) {
    if (userInfo == null) {
      return null;
    }
    int colon = userInfo.indexOf(':');
    String raw = colon < 0 ? userInfo : userInfo.substring(0, colon);
    return raw.isEmpty() ? null : decode(raw);
  }

  private static String password(String userInfo) {
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    return colon < 0 ? null : decode(userInfo.substring(colon + 1));
  }

  private static int database(List<String> path) {
    if (path.isEmpty() || (path.size() == 1 && path.get(0).isEmpty())) {
      return 0;
    }
    try {
      if (path.size() > 1) {
        throw new NumberFormatException();
      }
      return Integer.parseInt(path.get(0));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "REDIS_URL path must be a database number, not /" + String.join("/", path));
    }
  }

  /**
   * Decodes a percent-encoded part of the URL; its refusal never quotes it (the decoder's message
   * would quote the password).
   */
  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "REDIS_URL holds a '%' that does not start a valid percent-encoding in its user,"
              + " password or master name");
    }
  }

  /** How the servers behind an endpoint are arranged. */
  public enum Topology {
    /** One server (which may have replicas nobody fails over to automatically). */
    STANDALONE("redis"),
    /** A master whose address Sentinels give, and change when they fail it over. */
    SENTINEL("redis-sentinel"),
    /** A Redis Cluster: keys sharded over masters by hash slot. */
    CLUSTER("redis-cluster");

    private final String scheme;

    Topology(String scheme) {
      this.scheme = scheme;
    }

    String scheme(boolean tls) {
      return tls ? scheme.replaceFirst("redis", "rediss") : scheme;
    }

    static Topology of(String scheme) {
      for (Topology topology : values()) {
        if (topology.scheme(false).equals(scheme) || topology.scheme(true).equals(scheme)) {
          return topology;
        }
      }
      throw new IllegalArgumentException(
          "REDIS_URL scheme must be redis://, rediss://, redis-sentinel:// or redis-cluster://,"
              + " not "
              + scheme
              + "://");
    }
  }

  /**
   * One server's host and port.
   *
   * @param host host name or IPv4 address
   * @param port TCP port
   */
  public record Address(String host, int port) {

    public Address {
      Objects.requireNonNull(host, "host");
      if (host.isEmpty()) {
        throw new IllegalArgumentException("REDIS_URL names an empty host");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("Redis port " + port + " is outside 1..65535");
      }
    }

    /** Parses {@code host[:port]} (6379 by default). */
    public static Address parse(String hostAndPort) {
      int colon = hostAndPort.lastIndexOf(':');
      if (colon < 0) {
        return new Address(hostAndPort, DEFAULT_PORT);
      }
      try {
        return new Address(
            hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "REDIS_URL port must be a number, not " + hostAndPort.substring(colon + 1));
      }
    }

    @Override
    public String toString() {
      return host + ':' + port;
    }
  }
}
