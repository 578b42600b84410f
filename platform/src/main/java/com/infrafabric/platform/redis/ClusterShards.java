package com.infrafabric.platform.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Routes each key to the master of its hash slot, with one pooled client per master.
 *
 * <p>Why not the Vert.x cluster client: its {@code connect()} opens a connection to every node of
 * the slot map and fails unless all succeed ({@code RedisClusterClient.connectionComplete}: "Failed
 * to connect to all nodes of the cluster"), so while one master is down (until its replica is
 * promoted and the slot map no longer names it) every command for every shard fails or waits for
 * the dead node's connect timeout. Here a dead master fails only the commands for its own slots,
 * fast, since each master has its own {@link StoreHealth}; each such failure (at most every {@link
 * #MIN_REFRESH_INTERVAL}) and each {@code MOVED} reads the slot map again ({@code CLUSTER SLOTS}),
 * so the promoted replica is used as soon as the cluster names it.
 *
 * <p>Thread-safe: the slot map is replaced whole, never changed in place.
 */
final class ClusterShards implements Shards {

  static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(100);

  private final Vertx vertx;
  private final RedisSettings settings;
  private final ConcurrentMap<RedisEndpoint.Address, Shard> shards = new ConcurrentHashMap<>();
  private final AtomicReference<Future<Shard[]>> refreshing = new AtomicReference<>();
  private volatile Shard[] bySlot;
  private volatile long lastRefreshNanos = System.nanoTime() - MIN_REFRESH_INTERVAL.toNanos();

  ClusterShards(Vertx vertx, RedisSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  @Override
  public Future<Shard> route(String key) {
    Shard[] map = bySlot;
    int slot = key == null ? 0 : HashSlots.of(key);
    if (map != null && map[slot] != null) {
      return Future.succeededFuture(map[slot]);
    }
    return refresh().compose(fresh -> served(fresh, slot));
  }

  @Override
  public Future<List<Shard>> masters() {
    Shard[] map = bySlot;
    Future<Shard[]> known = map != null ? Future.succeededFuture(map) : refresh();
    return known.map(ClusterShards::distinct);
  }

  @Override
  public List<Shard> known() {
    Shard[] map = bySlot;
    return map == null ? List.of() : distinct(map);
  }

  private static List<Shard> distinct(Shard[] map) {
    return Arrays.stream(map).filter(Objects::nonNull).distinct().toList();
  }

  @Override
  public Shard redirected(Redirect redirect) {
    Shard target = shard(redirect.address());
    if (redirect.moved()) {
      Shard[] map = bySlot;
      if (map != null) {
        Shard[] moved = map.clone();
        moved[redirect.slot()] = target;
        bySlot = moved;
      }
      refreshSoon();
    }
    return target;
  }

  @Override
  public void unreachable(Shard shard) {
    refreshSoon();
  }

  @Override
  public void close() {
    shards.values().forEach(Shard::close);
  }

  private static Future<Shard> served(Shard[] map, int slot) {
    Shard shard = map[slot];
    return shard != null
        ? Future.succeededFuture(shard)
        : Future.failedFuture(
            RedisUnavailableException.notApplied(
                "no Redis Cluster master serves hash slot " + slot, null));
  }

  private void refreshSoon() {
    if (System.nanoTime() - lastRefreshNanos >= MIN_REFRESH_INTERVAL.toNanos()) {
      refresh();
    }
  }

  /** Reads the slot map from the first node that answers; one read at a time. */
  private Future<Shard[]> refresh() {
    Future<Shard[]> running = refreshing.get();
    if (running != null) {
      return running;
    }
    Promise<Shard[]> promise = Promise.promise();
    if (!refreshing.compareAndSet(null, promise.future())) {
      return refreshing.get();
    }
    lastRefreshNanos = System.nanoTime();
    readSlots(candidates(), 0, new ArrayList<>())
        .onComplete(
            read -> {
              if (read.succeeded()) {
                bySlot = read.result();
              }
              lastRefreshNanos = System.nanoTime();
              refreshing.set(null);
              promise.handle(read);
            });
    return promise.future();
  }

  /** Healthy known masters first (they answer fastest), then the seeds, then the rest. */
  private List<RedisEndpoint.Address> candidates() {
    Set<RedisEndpoint.Address> ordered = new LinkedHashSet<>();
    shards.forEach(
        (address, shard) -> {
          if (shard.health().up()) {
            ordered.add(address);
          }
        });
    ordered.addAll(settings.endpoint().addresses());
    ordered.addAll(shards.keySet());
    return List.copyOf(ordered);
  }

  private Future<Shard[]> readSlots(
      List<RedisEndpoint.Address> candidates, int index, List<String> failures) {
    if (index == candidates.size()) {
      return Future.failedFuture(
          RedisUnavailableException.notApplied(
              "no Redis Cluster node answered CLUSTER SLOTS: " + String.join("; ", failures),
              null));
    }
    RedisEndpoint.Address address = candidates.get(index);
    return slotsFrom(address)
        .recover(
            error -> {
              failures.add(address + " " + error.getClass().getSimpleName());
              return readSlots(candidates, index + 1, failures);
            });
  }

  private Future<Shard[]> slotsFrom(RedisEndpoint.Address address) {
    long timeout = settings.commandTimeout().toMillis();
    return shard(address)
        .client()
        .connect()
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .compose(
            connection ->
                connection
                    .send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                    .andThen(done -> connection.close())
                    .timeout(timeout, TimeUnit.MILLISECONDS))
        .map(reply -> slotMap(address, reply));
  }

  /**
   * Builds the slot map from a {@code CLUSTER SLOTS} reply: ranges of {@code [first, last, [host,
   * port, id], replicas...]}; an empty host means the node that answered.
   */
  private Shard[] slotMap(RedisEndpoint.Address asked, Response reply) {
    Shard[] map = new Shard[HashSlots.COUNT];
    for (Response range : reply) {
      Response master = range.get(2);
      String host = master.get(0) == null ? "" : master.get(0).toString();
      RedisEndpoint.Address address =
          new RedisEndpoint.Address(
              host.isEmpty() || "?".equals(host) ? asked.host() : host, master.get(1).toInteger());
      Shard shard = shard(address);
      for (int slot = range.get(0).toInteger(); slot <= range.get(1).toInteger(); slot++) {
        map[slot] = shard;
      }
    }
    return map;
  }

  private Shard shard(RedisEndpoint.Address address) {
    return shards.computeIfAbsent(address, a -> Shard.at(vertx, settings, a));
  }
}
