package com.infrafabric.governor.keys;

import com.infrafabric.governor.tenant.HashScan;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys' records in Redis: each key's hash {@code gov:{tenant}:k:<id>} (see key_create.lua) and
 * the tenant's index {@code gov:{tenant}:keys} (id to scope). In a record, models are comma-joined
 * (a model name has no comma), metadata is a JSON object, expiry epoch milliseconds or empty, and
 * {@code h} the hash of the secret, which is never read into a key. Thread-safe.
 */
final class KeyRecords {

  private final RedisStore redis;

  KeyRecords(RedisStore redis) {
    this.redis = redis;
  }

  /** The record of key {@code id}, if it exists. */
  Future<Optional<Response>> hash(String tenant, String id) {
    return redis
        .send(Request.cmd(Command.HGETALL).arg(record(tenant, id)))
        .map(hash -> hash == null || hash.size() == 0 ? Optional.empty() : Optional.of(hash));
  }

  Future<Optional<VirtualKey>> read(String tenant, String id) {
    return hash(tenant, id).map(hash -> hash.map(h -> key(id, h)));
  }

  /**
   * The keys within {@code within} whose id sorts after {@code afterId} (all if null), in id order,
   * at most {@code limit}. The tenant's index is read with {@code HSCAN}, keeping only the first
   * {@code limit + 1} ids, so a page costs memory for its own size.
   */
  Future<KeyPage> list(Scope within, String afterId, int limit) {
    String tenant = within.tenant();
    TreeSet<String> first = new TreeSet<>();
    return HashScan.scan(
            redis,
            TenantKeyNames.of(tenant).prefix() + "keys",
            "*",
            (id, scope) -> {
              if ((afterId == null || id.compareTo(afterId) > 0)
                  && Scope.parse(scope).isWithin(within)) {
                first.add(id);
                if (first.size() > limit + 1) {
                  first.pollLast();
                }
              }
            })
        .compose(ignored -> page(tenant, first, limit));
  }

  private Future<KeyPage> page(String tenant, TreeSet<String> first, int limit) {
    List<String> ids = first.stream().limit(limit).toList();
    Optional<String> next =
        first.size() > limit ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty();
    List<Future<Optional<VirtualKey>>> reads = ids.stream().map(id -> read(tenant, id)).toList();
    return Future.all(reads)
        .map(
            all ->
                new KeyPage(
                    reads.stream().map(Future::result).flatMap(Optional::stream).toList(), next));
  }

  private static String record(String tenant, String id) {
    return TenantKeyNames.of(tenant).prefix() + "k:" + id;
  }

  static String models(VirtualKey key) {
    return String.join(",", new TreeSet<>(key.allowedModels()));
  }

  static String metadata(VirtualKey key) {
    return new JsonObject(new HashMap<>(key.metadata())).encode();
  }

  static String expiry(VirtualKey key) {
    return key.expiresAt() == null ? "" : Long.toString(key.expiresAt().toEpochMilli());
  }

  /** The key stored in {@code hash} under {@code id}; the hash must not be empty. */
  static VirtualKey key(String id, Response hash) {
    String exp = field(hash, "exp");
    Map<String, String> metadata = new HashMap<>();
    new JsonObject(field(hash, "meta"))
        .forEach(entry -> metadata.put(entry.getKey(), String.valueOf(entry.getValue())));
    return new VirtualKey(
        id,
        Scope.parse(field(hash, "scope")),
        Set.copyOf(List.of(field(hash, "models").split(","))),
        Long.parseLong(field(hash, "rpm")),
        Long.parseLong(field(hash, "tpm")),
        metadata,
        exp.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(exp)));
  }

  static String field(Response hash, String name) {
    Response value = hash.get(name);
    return value == null ? "" : value.toString();
  }
}
