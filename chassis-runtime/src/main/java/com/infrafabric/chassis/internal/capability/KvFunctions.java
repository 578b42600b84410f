package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.OperatorSettings.KvTraffic;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.HostFunction;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code kv_get}, {@code kv_put}, {@code kv_delete} and {@code kv_list} of one invocation, on its
 * namespace (its tenant, its tool and the tool's publisher). Keys are opaque to the host but must
 * be 1 to 256 bytes of visible ASCII (0x21 to 0x7E), so they can never carry separators, spaces or
 * control bytes. What a value or key list returns passes the invocation's guest boundary.
 *
 * <p>The four share the invocation's {@link KvTrafficMeter}: a call past the node's bound on calls
 * or bytes per invocation answers {@link AbiError#REQUEST_LIMIT} without reaching the store.
 */
final class KvFunctions {

  static final int MAX_KEY_BYTES = 256;

  private final Invocation invocation;
  private final KvStore store;
  private final KvCapability quota;
  private final KvStore.Namespace namespace;
  private final KvTrafficMeter traffic;

  /**
   * @param publisher the publisher whose key signed the tool's contract ({@link ToolGrants})
   * @param bounds what the invocation's kv calls together may ask of the store
   */
  KvFunctions(
      Invocation invocation,
      KvStore store,
      KvCapability quota,
      String publisher,
      KvTraffic bounds) {
    this.invocation = invocation;
    this.store = store;
    this.quota = quota;
    this.namespace =
        new KvStore.Namespace(invocation.context().tenant(), invocation.tool().name(), publisher);
    this.traffic = new KvTrafficMeter(bounds);
  }

  WasmFunctionHandle handle(HostFunction function) {
    return switch (function) {
      case KV_GET ->
          (instance, args) ->
              withKey(
                  instance.memory(),
                  "kv_get",
                  args,
                  false,
                  key ->
                      sent(
                          key.length(),
                          () -> {
                            Optional<byte[]> value = Blocking.await(store.get(namespace, key));
                            value.ifPresent(v -> traffic.received(v.length));
                            return value
                                .map(v -> Returns.value(invocation.result(v)))
                                .orElse(Returns.error(AbiError.NOT_FOUND));
                          }));
      case KV_PUT ->
          (instance, args) -> {
            Optional<byte[]> read =
                GuestMemory.read(
                    instance.memory(),
                    "kv_put",
                    (int) args[2],
                    (int) args[3],
                    store.maxValueBytes());
            if (read.isEmpty()) {
              return Returns.error(AbiError.QUOTA_EXCEEDED);
            }
            byte[] value = read.get();
            return withKey(
                instance.memory(),
                "kv_put",
                args,
                false,
                key ->
                    sent(
                        (long) key.length() + value.length,
                        () ->
                            Blocking.await(store.put(namespace, key, value, quota))
                                .map(Returns::error)
                                .orElse(Returns.ok())));
          };
      case KV_DELETE ->
          (instance, args) ->
              withKey(
                  instance.memory(),
                  "kv_delete",
                  args,
                  false,
                  key ->
                      sent(
                          key.length(),
                          () ->
                              Blocking.await(store.delete(namespace, key))
                                  ? Returns.ok()
                                  : Returns.error(AbiError.NOT_FOUND)));
      case KV_LIST ->
          (instance, args) ->
              withKey(
                  instance.memory(),
                  "kv_list",
                  args,
                  true,
                  prefix ->
                      sent(
                          prefix.length(),
                          () -> {
                            List<String> keys =
                                Blocking.await(store.list(namespace, prefix, quota.maxKeys()));
                            traffic.received(keys.stream().mapToLong(String::length).sum());
                            return Returns.value(invocation.result(new JsonArray(keys)));
                          }));
      default -> throw new IllegalArgumentException(function + " is not a kv function");
    };
  }

  /**
   * Runs {@code call}, which sends the store {@code bytes} of keys and values, if the invocation's
   * traffic bound takes it; an unreachable store is {@link AbiError#UNAVAILABLE} for the guest.
   */
  private long[] sent(long bytes, Supplier<long[]> call) {
    if (!traffic.take(bytes)) {
      return Returns.error(AbiError.REQUEST_LIMIT);
    }
    try {
      return call.get();
    } catch (RedisUnavailableException e) {
      return Returns.error(AbiError.UNAVAILABLE);
    }
  }

  private interface KeyOperation {
    long[] apply(String key);
  }

  private static long[] withKey(
      com.dylibso.chicory.runtime.Memory memory,
      String name,
      long[] args,
      boolean prefix,
      KeyOperation operation) {
    Optional<byte[]> key =
        GuestMemory.read(memory, name, (int) args[0], (int) args[1], MAX_KEY_BYTES);
    if (key.isEmpty() || !validKey(key.get(), prefix)) {
      return Returns.error(AbiError.INVALID_ARGUMENT);
    }
    return operation.apply(new String(key.get(), StandardCharsets.US_ASCII));
  }

  /** True for 1 to 256 visible ASCII bytes; a list prefix may also be empty. */
  static boolean validKey(byte[] key, boolean prefix) {
    if (key.length > MAX_KEY_BYTES || (key.length == 0 && !prefix)) {
      return false;
    }
    for (byte b : key) {
      if (b < 0x21 || b > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
