package com.infrafabric.deploy;

import com.infrafabric.chassis.service.ChassisService;
import com.infrafabric.chassis.service.ChassisSettings;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.metrics.ServiceMeters;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.RespProbe;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.time.Clock;
import java.util.Optional;

/**
 * One running InfraFabric process: the governor and the chassis on one Vert.x instance and one
 * Redis client. Each service has its own meter registry, so each {@code /metrics} describes that
 * service; the Redis client's meters and the process's garbage collection are the governor's.
 */
final class Node {

  private final RedisChoice redis;
  private final Vertx vertx;
  private final RedisStore store;
  private final AutoCloseable garbageCollection;
  private GovernorService governor;
  private ChassisService chassis;

  private Node(RedisChoice redis, Vertx vertx, RedisStore store, AutoCloseable garbageCollection) {
    this.redis = redis;
    this.vertx = vertx;
    this.store = store;
    this.garbageCollection = garbageCollection;
  }

  /**
   * Starts both services on {@code redis}, the chassis with the budget port {@code budget} connects
   * to the governor; on failure stops whatever started. A {@code local} node first records itself
   * as the Redis's owner ({@link LocalNode#claim}), after the Redis is found fit and before either
   * service writes to it.
   *
   * @throws IllegalStateException naming the service that did not start and why
   */
  static Node start(
      RedisChoice redis,
      GovernorSettings governor,
      ChassisSettings chassis,
      BudgetWiring budget,
      Optional<LocalNode> local,
      Clock clock) {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry governorMeters = ServiceMeters.create();
    RedisStore store =
        RedisStore.create(
            vertx,
            RedisSettings.of(redis.endpoint())
                .withCommandTimeout(governor.redisCommandTimeout())
                .withDurability(governor.redisDurability())
                .withPersistence(governor.redisPersistence()),
            governorMeters);
    Node node = new Node(redis, vertx, store, ServiceMeters.bindGarbageCollection(governorMeters));
    try {
      RespProbe.requireResp(redis.endpoint(), governor.redisCommandTimeout());
      requireGuarantees(store);
      local.ifPresent(owner -> owner.claim(store));
      node.governor = GovernorService.start(vertx, store, governor, governorMeters, clock).await();
    } catch (Exception e) {
      node.stop();
      throw new IllegalStateException(
          "the governor did not start: " + reason(e, "http", governor.platform().http()), e);
    }
    try {
      node.chassis =
          ChassisService.start(
                  vertx,
                  store,
                  chassis,
                  budget.connect(vertx, node.governor),
                  ServiceMeters.create(),
                  clock)
              .await();
    } catch (Exception e) {
      node.stop();
      throw new IllegalStateException(
          "the chassis did not start: " + reason(e, "chassis.http", chassis.platform().http()), e);
    }
    return node;
  }

  /**
   * Refuses a Redis that would evict keys or lacks the persistence {@code redis.persistence}
   * requires, before either service writes to it.
   */
  private static void requireGuarantees(RedisStore store) {
    store
        .refusal()
        .await()
        .ifPresent(
            refusal -> {
              throw new IllegalStateException(refusal);
            });
  }

  /**
   * One line on why a service did not start. {@code await} rethrows the start's failure as it is,
   * checked exceptions included: a port in use arrives as a {@link BindException} that names no
   * address, so the line names the address and the keys that set it.
   */
  private static String reason(Exception failure, String prefix, HttpSettings http) {
    if (failure instanceof BindException) {
      return http.host()
          + ":"
          + http.port()
          + " is already in use; choose another "
          + prefix
          + ".port (or "
          + prefix
          + ".host)";
    }
    return String.valueOf(failure.getMessage());
  }

  GovernorService governor() {
    return governor;
  }

  ChassisService chassis() {
    return chassis;
  }

  /**
   * Both services report not ready at once; the chassis drains first, while the governor still
   * serves the settlements of the chassis's model calls, then the governor drains and settles its
   * gateway's calls; only then are the Redis client, Vert.x and the embedded redis-server (with
   * SHUTDOWN) closed, so that nothing in flight loses the store. Blocks; call it from a plain
   * thread.
   */
  void stop() {
    try {
      drainServices();
    } finally {
      closeStore();
    }
  }

  private void drainServices() {
    if (governor != null) {
      governor.drain();
    }
    try {
      if (chassis != null) {
        chassis.stop().await();
      }
    } finally {
      if (governor != null) {
        governor.stop().await();
      }
    }
  }

  private void closeStore() {
    store.close();
    vertx.close().await();
    redis.close();
    try {
      garbageCollection.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the garbage-collection meters", e);
    }
  }
}
