package com.infrafabric.chassis.internal.capability;

import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Key-value namespaces in Redis, one per tenant, tool name and publisher: the versions of a tool
 * share it whichever of the publisher's keys signed them, so a key rotation keeps the data (a tool
 * name belongs to one publisher, chassis_register.lua). The publisher is the identity the
 * operator's key set gives the signing key, which is the key's {@code kid} unless the key names a
 * {@code publisher}, so data stored when namespaces were keyed by kid stays where it is. Every key
 * of a tenant's namespaces shares the tenant's hash tag {@code {kv:<tenant>}}; a namespace's keys
 * are {@code {kv:<tenant>}:<tool>:<publisher in hex>:data}, {@code :bytes} and {@code :index}.
 * Tenant ids and tool names cannot contain the separators and the publisher is hex-encoded, so two
 * namespaces never collide. Quotas are checked and applied in one script, so concurrent invocations
 * cannot overshoot them. Values are stored in base64 because scripts take text arguments; a
 * namespace's quota counts raw bytes.
 *
 * <p><b>Every operation a guest can cause costs Redis a bounded amount</b>, whatever the namespace
 * holds: a value is at most the operator's {@code maxValueBytes}, a list reads a page of the
 * namespace's sorted index of keys ({@link #LIST_MAX_KEYS} at most), and a put, get or delete
 * touches one entry. One tenant's tool cannot hold the shared server busy for the others.
 *
 * <p><b>A tenant's namespaces together</b> may hold at most the operator's {@code tenantMaxBytes}
 * of Redis ({@code {kv:<tenant>}:stored}: key in hash and index, base64 value and {@value
 * #ENTRY_OVERHEAD_BYTES} bytes of overhead for each entry), checked in the same step as the
 * namespace's quotas: a tenant that publishes many tools cannot take what the others share. The
 * shared tag is what makes that one step on a cluster too; it puts a tenant's tool data on one
 * master.
 *
 * <p><b>All namespaces together</b> are bounded by the server itself: a write that grows a
 * namespace is refused ({@link AbiError#QUOTA_EXCEEDED}) once the server's {@code used_memory} plus
 * what the write adds would pass {@code maxmemory} less the operator's headroom percent. Measuring
 * the server rather than counting writes covers the base64 growth, per-key overhead and every other
 * namespace at once, in the same atomic step, on each node of a cluster for the slots it holds;
 * whatever else shares the server (budgets, claims, the ledger, the registry) keeps the headroom.
 * The store may also be a Redis of its own ({@code chassis.kv.redisUrl}).
 */
public final class KvStore {

  private static final LuaScript PUT =
      kvScript(
          "chassis_kv_put",
          ScriptArgs.of(
              "key",
              "value",
              "value_length",
              "max_bytes",
              "max_keys",
              "tenant_max_bytes",
              "headroom_percent",
              "entry_overhead"));
  private static final LuaScript DELETE =
      kvScript("chassis_kv_delete", ScriptArgs.of("key", "entry_overhead"));
  private static final LuaScript ADOPT =
      kvScript("chassis_kv_adopt", ScriptArgs.of("entry_overhead").rest("entries"));

  /**
   * What one entry costs Redis beyond its key (twice: hash field and index member) and value bytes,
   * roughly: a hash entry and a sorted-set node.
   */
  static final int ENTRY_OVERHEAD_BYTES = 128;

  /**
   * The most keys one {@code kv_list} returns: the first ones in byte order. Each list is one
   * {@code ZRANGE BYLEX ... LIMIT} on the namespace's index, so its cost to Redis is bounded
   * whatever the namespace holds (about 256 KiB of reply at most).
   */
  public static final int LIST_MAX_KEYS = 1_000;

  private final RedisStore redis;
  private final long tenantMaxBytes;
  private final int maxValueBytes;
  private final int headroomPercent;

  /** The Lua scripts the store runs. */
  public static List<LuaScript> scripts() {
    return List.of(PUT, DELETE, ADOPT);
  }

  /**
   * @param redis the store holding the namespaces
   * @param tenantMaxBytes what one tenant's namespaces together may hold in Redis
   * @param maxValueBytes the largest value one put may store
   * @param headroomPercent the share of the server's {@code maxmemory} tool data may never take
   */
  public KvStore(RedisStore redis, long tenantMaxBytes, int maxValueBytes, int headroomPercent) {
    this.redis = redis;
    this.tenantMaxBytes = tenantMaxBytes;
    this.maxValueBytes = maxValueBytes;
    this.headroomPercent = headroomPercent;
  }

  /** The largest value one put may store; a larger one is refused before it is read. */
  int maxValueBytes() {
    return maxValueBytes;
  }

  /**
   * The namespace of {@code tool} as {@code publisher} signed it, for {@code tenant}.
   *
   * @param publisher the publisher whose key signed the tool's contract (its kid, for a key that
   *     names no publisher)
   */
  public record Namespace(String tenant, String tool, String publisher) {
    String data() {
      return prefix() + ":data";
    }

    String bytes() {
      return prefix() + ":bytes";
    }

    /** The tenant's stored-byte counter, in the same hash slot as its namespaces. */
    String tenantStored() {
      return tenantTag(tenant) + ":stored";
    }

    /** The namespace's keys in byte order, as a sorted set of score 0 (listed by lex range). */
    String index() {
      return prefix() + ":index";
    }

    /** The namespace's four keys, as the put, delete and adopt scripts take them. */
    List<String> keys() {
      return List.of(data(), bytes(), tenantStored(), index());
    }

    private String prefix() {
      return tenantTag(tenant) + ':' + tool + ':' + publisherHex(publisher);
    }
  }

  static String tenantTag(String tenant) {
    return "{kv:" + tenant + '}';
  }

  static String publisherHex(String publisher) {
    return HexFormat.of().formatHex(publisher.getBytes(StandardCharsets.UTF_8));
  }

  public Future<Optional<byte[]>> get(Namespace namespace, String key) {
    return redis
        .send(namespace.data(), Request.cmd(Command.HGET).arg(namespace.data()).arg(key))
        .map(
            reply -> Optional.ofNullable(reply).map(r -> Base64.getDecoder().decode(r.toString())));
  }

  /**
   * Stores a value; empty on success, else {@link AbiError#QUOTA_EXCEEDED} (the namespace's keys or
   * bytes, the tenant's share, or tool data's share of the server).
   */
  public Future<Optional<AbiError>> put(
      Namespace namespace, String key, byte[] value, KvCapability quota) {
    return redis
        .eval(
            PUT,
            namespace.keys(),
            PUT.args()
                .values()
                .put("key", key)
                .put("value", Base64.getEncoder().encodeToString(value))
                .put("value_length", value.length)
                .put("max_bytes", quota.maxBytes())
                .put("max_keys", quota.maxKeys())
                .put("tenant_max_bytes", tenantMaxBytes)
                .put("headroom_percent", headroomPercent)
                .put("entry_overhead", ENTRY_OVERHEAD_BYTES)
                .list())
        .map(
            reply ->
                reply.toInteger() == 0 ? Optional.empty() : Optional.of(AbiError.QUOTA_EXCEEDED));
  }

  /** Deletes a key; true if it existed. */
  public Future<Boolean> delete(Namespace namespace, String key) {
    return redis
        .eval(
            DELETE,
            namespace.keys(),
            DELETE
                .args()
                .values()
                .put("key", key)
                .put("entry_overhead", ENTRY_OVERHEAD_BYTES)
                .list())
        .map(reply -> reply.toInteger() == 1);
  }

  /**
   * Keys starting with {@code prefix}, in byte order, at most {@code max} (and never more than
   * {@link #LIST_MAX_KEYS}). Keys are visible ASCII (0x21 to 0x7E), so every key with the prefix
   * lies between the prefix and the prefix followed by 0x7F.
   */
  public Future<List<String>> list(Namespace namespace, String prefix, int max) {
    Request range =
        Request.cmd(Command.ZRANGE)
            .arg(namespace.index())
            .arg(prefix.isEmpty() ? "-" : "[" + prefix)
            .arg(prefix.isEmpty() ? "+" : "[" + prefix + '\u007f')
            .arg("BYLEX")
            .arg("LIMIT")
            .arg(0)
            .arg(Math.min(max, LIST_MAX_KEYS));
    return redis
        .send(namespace.index(), range)
        .map(
            reply -> {
              List<String> keys = new ArrayList<>();
              reply.forEach(item -> keys.add(item.toString()));
              return keys;
            });
  }

  /**
   * Takes {@code entries} (keys and base64 values in turn, as an earlier layout stored them) into
   * {@code namespace}, unless it holds data already; true if it took them.
   */
  Future<Boolean> adopt(Namespace namespace, List<String> entries) {
    return redis
        .eval(
            ADOPT,
            namespace.keys(),
            ADOPT.args().values().put("entry_overhead", ENTRY_OVERHEAD_BYTES).rest(entries).list())
        .map(reply -> reply.toInteger() == 1);
  }

  private static LuaScript kvScript(String name, ScriptArgs args) {
    return LuaScript.of(
        name,
        LuaScript.text(KvStore.class, "chassis/kv/chassis_kv_lib"),
        LuaScript.text(KvStore.class, "chassis/kv/" + name),
        args);
  }
}
