package com.infrafabric.chassis.internal.capability;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.contract.KvCapability;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant's namespaces together stay within the tenant's share, whatever each namespace's quota
 * allows: one tenant publishing many tools cannot take what the others share.
 */
@Timeout(60)
class KvStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** Three 1,000-byte values fit (about 1,470 bytes each as Redis holds them), four do not. */
  private static final long TENANT_MAX_BYTES = 5_000;

  private static final KvCapability ROOMY = new KvCapability(1 << 20, 1_000);

  private static Vertx vertx;
  private static RedisStore redis;
  private static KvStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
    store = new KvStore(redis, TENANT_MAX_BYTES, 1 << 20, 25);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().await();
  }

  @Test
  void aTenantsNamespacesTogetherStopAtItsShareWhileAnotherTenantStillWrites() {
    int stored = 0;
    for (int tool = 0; tool < 6; tool++) {
      if (put(new KvStore.Namespace("greedy", "tool-" + tool, "kid"), "k").isEmpty()) {
        stored++;
      }
    }
    assertThat(stored).as("values stored across six namespaces").isEqualTo(3);
    assertThat(put(new KvStore.Namespace("greedy", "tool-0", "other-kid"), "k"))
        .contains(AbiError.QUOTA_EXCEEDED);
    assertThat(put(new KvStore.Namespace("modest", "tool-0", "kid"), "k")).isEmpty();
  }

  @Test
  void deletingGivesTheShareBackAndLeavesNoCounterBehind() {
    KvStore.Namespace first = new KvStore.Namespace("cycling", "a", "kid");
    KvStore.Namespace second = new KvStore.Namespace("cycling", "b", "kid");
    for (int i = 0; i < 3; i++) {
      assertThat(put(first, "k" + i)).isEmpty();
    }
    assertThat(put(second, "k")).contains(AbiError.QUOTA_EXCEEDED);
    assertThat(Await.result(store.delete(first, "k0"))).isTrue();
    assertThat(put(second, "k")).isEmpty();

    for (int i = 1; i < 3; i++) {
      assertThat(Await.result(store.delete(first, "k" + i))).isTrue();
    }
    assertThat(Await.result(store.delete(second, "k"))).isTrue();
    assertThat(exists(first.tenantStored())).isFalse();
    assertThat(exists(first.bytes())).isFalse();
  }

  @Test
  void overwritingCountsOnlyTheDifference() {
    KvStore.Namespace namespace = new KvStore.Namespace("rewriting", "a", "kid");
    for (int i = 0; i < 20; i++) {
      assertThat(put(namespace, "same")).as("write %d of one key", i).isEmpty();
    }
    assertThat(Long.parseLong(get(namespace.tenantStored()).toString()))
        .isEqualTo(2 * "same".length() + 1_336 + KvStore.ENTRY_OVERHEAD_BYTES);
  }

  /**
   * A list reads a page of the namespace's sorted index, never every key: the first keys with the
   * prefix in byte order, at most {@link KvStore#LIST_MAX_KEYS}, whatever the namespace holds.
   */
  @Test
  void aListIsTheFirstPageOfTheKeysWithThePrefixInByteOrder() {
    KvStore roomy = new KvStore(redis, 1 << 30, 1 << 20, 25);
    KvStore.Namespace namespace = new KvStore.Namespace("listing", "a", "kid");
    KvCapability many = new KvCapability(1 << 30, 10_000);
    for (int i = 0; i < KvStore.LIST_MAX_KEYS + 200; i++) {
      String key = String.format("p/%05d", i);
      assertThat(Await.result(roomy.put(namespace, key, new byte[1], many))).isEmpty();
    }
    for (String other : List.of("p", "p0", "o~", "q!", "p/~")) {
      assertThat(Await.result(roomy.put(namespace, other, new byte[1], many))).isEmpty();
    }
    assertThat(Await.result(roomy.delete(namespace, "p/00000"))).isTrue();

    List<String> page = Await.result(roomy.list(namespace, "p/", 10_000));
    assertThat(page).hasSize(KvStore.LIST_MAX_KEYS).startsWith("p/00001", "p/00002").isSorted();
    assertThat(Await.result(roomy.list(namespace, "p/0119", 100)))
        .containsExactly(
            "p/01190", "p/01191", "p/01192", "p/01193", "p/01194", "p/01195", "p/01196", "p/01197",
            "p/01198", "p/01199");
    assertThat(Await.result(roomy.list(namespace, "p/~", 10))).containsExactly("p/~");
    assertThat(Await.result(roomy.list(namespace, "", 3))).containsExactly("o~", "p", "p/00001");
    assertThat(Await.result(roomy.list(namespace, "zz", 3))).isEmpty();
  }

  private static Optional<AbiError> put(KvStore.Namespace namespace, String key) {
    return Await.result(store.put(namespace, key, new byte[1_000], ROOMY));
  }

  private static boolean exists(String key) {
    return get(key) != null;
  }

  private static Response get(String key) {
    return Await.result(redis.send(key, Request.cmd(Command.GET).arg(key)));
  }
}
