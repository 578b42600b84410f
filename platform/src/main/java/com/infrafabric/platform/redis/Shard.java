package com.infrafabric.platform.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * One master Redis and the clients that reach it, with its own {@link StoreHealth}: a standalone
 * server, the master a Sentinel group names, or one master of a cluster. Keeping health per master
 * is what lets a cluster's other masters keep serving while one fails over, and with its own {@link
 * GuaranteeWatch}. Three clients with the same options but their own pools: the pooled connections
 * any command may borrow, one connection per event loop for that loop's scripts ({@link
 * LoopConnections}), and one connection for checking the master's guarantees ({@link
 * GuaranteeChecks}).
 *
 * <p>Thread-safe.
 */
final class Shard implements AutoCloseable {

  private final String name;
  private final Redis client;
  private final LoopConnections loops;
  private final Redis checks;
  private final StoreHealth health = new StoreHealth();
  private final GuaranteeWatch guarantees = new GuaranteeWatch();

  private Shard(String name, Vertx vertx, RedisSettings settings, RedisOptions options) {
    this.name = name;
    this.client = Redis.createClient(vertx, options);
    this.loops =
        new LoopConnections(
            vertx,
            Redis.createClient(vertx, perLoop(new RedisOptions(options), settings)),
            settings.maxPoolSize());
    this.checks = Redis.createClient(vertx, forChecks(new RedisOptions(options)));
  }

  /** The server at {@code address}, with the endpoint's credentials and TLS setting. */
  static Shard at(Vertx vertx, RedisSettings settings, RedisEndpoint.Address address) {
    RedisOptions options =
        pooled(settings, address.toString())
            .setConnectionString(settings.endpoint().connectionString(address));
    return new Shard(address.toString(), vertx, settings, options);
  }

  /**
   * The master the endpoint's Sentinels name; the client asks them again for each new connection,
   * so that after a failover new connections reach the promoted replica.
   */
  static Shard sentinelMaster(Vertx vertx, RedisSettings settings) {
    RedisEndpoint endpoint = settings.endpoint();
    RedisOptions options =
        pooled(settings, endpoint.masterName())
            .setType(RedisClientType.SENTINEL)
            .setMasterName(endpoint.masterName())
            .setRole(RedisRole.MASTER);
    endpoint.addresses().forEach(a -> options.addConnectionString(endpoint.connectionString(a)));
    return new Shard("sentinel master " + endpoint.masterName(), vertx, settings, options);
  }

  /**
   * The pool of the loops' own connections: room for one per loop, so a loop asking for its own
   * never waits (the waiting bound is there because the Sentinel client refuses one below the
   * size), each queueing as many commands as a loop may have in flight on it, so that the client's
   * own queue bound never refuses a command {@link LoopConnections} admitted.
   */
  private static RedisOptions perLoop(RedisOptions pooled, RedisSettings settings) {
    return pooled
        .setMaxPoolSize(LoopConnections.MAX_LOOPS)
        .setMaxPoolWaiting(LoopConnections.MAX_LOOPS)
        .setMaxWaitingHandlers(settings.maxPoolSize())
        .setPoolName(pooled.getPoolName() + "-loops");
  }

  /**
   * The pool of the connection that checks the master's guarantees: one, of its own, since at most
   * one check of a master runs at a time ({@link GuaranteeWatch}), and a check must never take, or
   * wait behind, the connection a request was about to get, whatever size the settings give the
   * request pool. Its queue bounds are the Sentinel client's least (waiting no smaller than the
   * size) and the check's batch of {@code INFO} sections.
   */
  private static RedisOptions forChecks(RedisOptions pooled) {
    return pooled
        .setMaxPoolSize(1)
        .setMaxPoolWaiting(1)
        .setMaxWaitingHandlers(GuaranteeChecks.INFO.size())
        .setPoolName(pooled.getPoolName() + "-checks");
  }

  private static RedisOptions pooled(RedisSettings settings, String name) {
    RedisEndpoint endpoint = settings.endpoint();
    NetClientOptions net =
        new NetClientOptions().setConnectTimeout((int) settings.commandTimeout().toMillis());
    if (endpoint.tls()) {
      net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
    }
    RedisOptions options =
        new RedisOptions()
            .setMaxPoolSize(settings.maxPoolSize())
            .setMaxPoolWaiting(settings.maxPoolWaiting())
            .setMaxWaitingHandlers(settings.maxPoolWaiting())
            .setPoolName("infrafabric-redis-" + System.identityHashCode(settings) + "-" + name)
            .setNetClientOptions(net);
    if (endpoint.user() != null) {
      options.setUser(endpoint.user());
    }
    if (endpoint.password() != null) {
      options.setPassword(endpoint.password());
    }
    return options;
  }

  String name() {
    return name;
  }

  Redis client() {
    return client;
  }

  LoopConnections loops() {
    return loops;
  }

  /** The client of the master's guarantee checks ({@link #forChecks}), used by nothing else. */
  Redis checks() {
    return checks;
  }

  GuaranteeWatch guarantees() {
    return guarantees;
  }

  StoreHealth health() {
    return health;
  }

  @Override
  public void close() {
    loops.close();
    checks.close();
    client.close();
  }

  @Override
  public String toString() {
    return name;
  }
}
