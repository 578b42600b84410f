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
        assertThat(new ServerGuarantees(true, policy, true, 1).refusal(settings(persistence)))
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
    ServerGuarantees snapshotsOnly = new ServerGuarantees(true, "noeviction", false, 0);

    assertThat(snapshotsOnly.refusal(settings(RedisSettings.Persistence.APPEND_ONLY)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("set appendonly yes"));
    assertThat(snapshotsOnly.refusal(settings(RedisSettings.Persistence.NONE))).isEmpty();
    assertThat(
            new ServerGuarantees(true, "noeviction", true, 0)
                .refusal(settings(RedisSettings.Persistence.APPEND_ONLY)))
        .isEmpty();
  }

  /**
   * Regression: under {@code redis.durability=replicated} a master with no replica was taken as
   * fit, so every money script ran there, waited in vain for {@code WAIT 1} and answered outcome
   * unknown with its hold applied.
   */
  @Test
  void replicatedDurabilityRefusesAMasterWithNoReplicaOnline() {
    RedisSettings replicated =
        settings(RedisSettings.Persistence.APPEND_ONLY)
            .withDurability(RedisSettings.Durability.REPLICATED);

    assertThat(new ServerGuarantees(true, "noeviction", true, 0).refusal(replicated))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("redis.durability is replicated but no replica is online")
                    .contains("redis.durability=acknowledged"));
    assertThat(new ServerGuarantees(true, "noeviction", true, 1).refusal(replicated)).isEmpty();
    assertThat(
            new ServerGuarantees(true, "noeviction", true, 0)
                .refusal(replicated.withDurability(RedisSettings.Durability.ACKNOWLEDGED)))
        .isEmpty();
  }

  @Test
  void readsEachFieldFromInfoCountingOnlyReplicasThatCanConfirm() {
    ServerGuarantees read =
        ServerGuarantees.parse(
            "# Memory\r\nused_memory:1\r\nmaxmemory_policy:allkeys-lru\r\n",
            "# Persistence\r\nloading:0\r\naof_enabled:1\r\n",
            "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
                + "slave0:ip=127.0.0.1,port=1,state=online,offset=1,lag=0\r\n"
                + "slave1:ip=127.0.0.1,port=2,state=wait_bgsave,offset=0,lag=0\r\n"
                + "slave2:ip=127.0.0.1,port=3,state=online,offset=1,lag=0\r\n");

    assertThat(read).isEqualTo(new ServerGuarantees(true, "allkeys-lru", true, 2));
  }

  /** What a replica keeps says nothing of its master's writes: a check that reaches one is void. */
  @Test
  void readsWhetherTheServerIsAMaster() {
    ServerGuarantees replica =
        ServerGuarantees.parse(
            "maxmemory_policy:noeviction\r\n",
            "aof_enabled:1\r\n",
            "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nconnected_slaves:0\r\n");

    assertThat(replica.master()).isFalse();
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

  private static RedisSettings settings(RedisSettings.Persistence persistence) {
    return RedisSettings.of(REDIS.endpoint()).withPersistence(persistence);
  }

  private static RedisStore store(RedisSettings.Persistence persistence) {
    return RedisStore.create(
        vertx,
        RedisSettings.of(REDIS.endpoint()).withPersistence(persistence),
        new SimpleMeterRegistry());
  }
}
