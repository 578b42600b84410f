package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.health.CheckResult;
import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a service started, and reported ready, on a Redis that evicts keys under memory
 * pressure ({@code maxmemory-policy allkeys-lru}) or keeps no append-only file: eviction silently
 * drops budget counters, holds, idempotency records and tasks (overspend, double charges, double
 * claims), and a restart without AOF loses every write since the last snapshot. The store now reads
 * both with {@code INFO} (managed Redis often refuses {@code CONFIG}) at start and on every
 * readiness check, since either can be changed at runtime.
 */
@Timeout(60)
class ServerGuaranteesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anyEvictionPolicyButNoEvictionIsRefusedWhateverThePersistence() {
    for (String policy : List.of("allkeys-lru", "volatile-lru", "allkeys-random", "volatile-ttl")) {
      for (RedisSettings.Persistence persistence : RedisSettings.Persistence.values()) {
        assertThat(new ServerGuarantees(policy, true).refusal(persistence))
            .as(policy + " under " + persistence)
            .hasValueSatisfying(
                reason ->
                    assertThat(reason)
                        .startsWith("maxmemory-policy is " + policy)
                        .endsWith("set maxmemory-policy noeviction"));
      }
    }
  }

  @Test
  void noAppendOnlyFileIsRefusedOnlyWhenTheSettingsRequireOne() {
    ServerGuarantees snapshotsOnly = new ServerGuarantees("noeviction", false);

    assertThat(snapshotsOnly.refusal(RedisSettings.Persistence.APPEND_ONLY))
        .hasValueSatisfying(reason -> assertThat(reason).contains("set appendonly yes"));
    assertThat(snapshotsOnly.refusal(RedisSettings.Persistence.NONE)).isEmpty();
    assertThat(
            new ServerGuarantees("noeviction", true).refusal(RedisSettings.Persistence.APPEND_ONLY))
        .isEmpty();
  }

  @Test
  void readsBothFieldsFromInfo() {
    ServerGuarantees read =
        ServerGuarantees.parse(
            "# Memory\r\nused_memory:1\r\nmaxmemory_policy:allkeys-lru\r\n",
            "# Persistence\r\nloading:0\r\naof_enabled:1\r\n");

    assertThat(read).isEqualTo(new ServerGuarantees("allkeys-lru", true));
  }

  @Test
  void aPolicyOrPersistenceChangedAtRuntimeMakesTheStoreRefusedAndNotReadyUntilRestored() {
    try (RedisStore store = store(RedisSettings.Persistence.APPEND_ONLY);
        RedisStore optedOut = store(RedisSettings.Persistence.NONE)) {
      RedisReadinessCheck readiness = RedisReadinessCheck.of(store, List.of());
      assertThat(store.refusal().await()).isEmpty();
      assertThat(readiness.check().await().up()).isTrue();

      configSet(store, "maxmemory-policy", "allkeys-lru");
      try {
        assertRefused(store, readiness, "maxmemory-policy is allkeys-lru");
        assertThat(optedOut.refusal().await())
            .as("persistence none still refuses eviction")
            .isPresent();
      } finally {
        configSet(store, "maxmemory-policy", "noeviction");
      }

      configSet(store, "appendonly", "no");
      try {
        assertRefused(store, readiness, "appendonly is no");
        assertThat(optedOut.refusal().await()).isEmpty();
      } finally {
        configSet(store, "appendonly", "yes");
      }
      assertThat(store.refusal().await()).isEmpty();
      assertThat(readiness.check().await().up()).isTrue();
    }
  }

  private static void assertRefused(RedisStore store, RedisReadinessCheck readiness, String why) {
    Optional<String> refusal = store.refusal().await();
    assertThat(refusal)
        .hasValueSatisfying(
            reason ->
                assertThat(reason).startsWith("Redis " + REDIS.endpoint().host()).contains(why));
    CheckResult check = readiness.check().await();
    assertThat(check.up()).isFalse();
    assertThat(check.detail()).contains(why);
  }

  private static void configSet(RedisStore store, String name, String value) {
    store.send(Request.cmd(Command.CONFIG).arg("SET").arg(name).arg(value)).await();
  }

  private static RedisStore store(RedisSettings.Persistence persistence) {
    return RedisStore.create(
        vertx,
        RedisSettings.of(REDIS.endpoint()).withPersistence(persistence),
        new SimpleMeterRegistry());
  }
}
