package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts (every money, hold and claim write) are refused, not applied, while their master is found
 * unfit to keep them, on a real {@code redis-server}: readiness alone reporting it did not stop the
 * node's requests from writing.
 */
@Timeout(120)
class UnfitMasterWritesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /**
   * Regression: after {@code CONFIG SET maxmemory-policy allkeys-lru} readiness was down, but every
   * reservation was still written (201) to a master that may delete it.
   */
  @Test
  void aMasterThatMayEvictTakesNoScriptUntilRestored() {
    try (OpenStore open = OpenStore.open(RedisSettings.of(REDIS.endpoint()));
        OpenStore unprobed = OpenStore.open(RedisSettings.of(REDIS.endpoint()))) {
      RedisStore store = open.store();
      String key = "unfit-" + UUID.randomUUID();
      assertThat(incr(store, key).toLong()).isEqualTo(1);

      configSet(store, "maxmemory-policy", "allkeys-lru");
      try {
        assertThat(store.refusal().await()).isPresent();
        assertNotApplied(
            Await.result(failureOf(store.eval(OpenStore.INCR_BY, List.of(key), List.of("1")))),
            "maxmemory-policy is allkeys-lru");
        assertThat(get(store, key)).as("nothing was written").isEqualTo("1");
        String other = key + "-unprobed";
        assertNotApplied(
            Await.eventually(
                () ->
                    failureOf(
                        unprobed.store().eval(OpenStore.INCR_BY, List.of(other), List.of("1")))),
            "maxmemory-policy is allkeys-lru");
      } finally {
        configSet(store, "maxmemory-policy", "noeviction");
      }

      assertThat(store.refusal().await()).isEmpty();
      assertThat(incr(store, key).toLong()).isEqualTo(2);
    }
  }

  /**
   * Regression: under {@code redis.durability=replicated} with no replica the node was ready, and
   * every money script ran on the master, waited in vain for {@code WAIT 1} and answered outcome
   * unknown with its effect applied. Now the master is refused (readiness down, scripts not sent)
   * until a replica is online.
   */
  @Test
  void replicatedDurabilityWithNoReplicaRefusesScriptsAndReadinessUntilOneConnects() {
    RedisSettings replicated =
        RedisSettings.of(REDIS.endpoint()).withDurability(RedisSettings.Durability.REPLICATED);
    try (OpenStore open = OpenStore.open(replicated)) {
      RedisStore store = open.store();
      String key = "replicated-" + UUID.randomUUID();

      assertThat(store.refusal().await())
          .hasValueSatisfying(reason -> assertThat(reason).contains("no replica is online"));
      assertThat(RedisReadinessCheck.of(store, List.of()).check().await().up()).isFalse();
      long start = System.nanoTime();
      assertNotApplied(
          Await.result(failureOf(store.evalDurably(OpenStore.INCR_BY, List.of(key), List.of("1")))),
          "no replica is online");
      assertThat(System.nanoTime() - start)
          .as("refused at once, not after a WAIT")
          .isLessThan(replicated.replicaTimeout().toNanos());
      assertThat(get(store, key)).as("nothing was written").isNull();

      Path directory = TempFolder.create("infrafabric-replica-");
      try (ManagedRedisServer replica = replicaOf(directory, REDIS.endpoint())) {
        Await.eventually(
            () ->
                store
                    .refusal()
                    .compose(
                        refusal ->
                            refusal.isEmpty()
                                ? Future.succeededFuture()
                                : Future.failedFuture(refusal.get())));
        assertThat(RedisReadinessCheck.of(store, List.of()).check().await().up()).isTrue();
        assertThat(
                store.evalDurably(OpenStore.INCR_BY, List.of(key), List.of("1")).await().toLong())
            .isEqualTo(1);
      } finally {
        TempFolder.delete(directory);
      }
    }
  }

  private static ManagedRedisServer replicaOf(Path directory, RedisEndpoint master) {
    return ManagedRedisServer.builder(directory)
        .config(
            "masterauth " + master.password(),
            "replicaof " + master.host() + " " + master.port(),
            "repl-diskless-sync-delay 0")
        .build()
        .start();
  }

  private static void assertNotApplied(Throwable failure, String why) {
    assertThat(failure)
        .isInstanceOfSatisfying(
            RedisUnavailableException.class,
            unavailable -> assertThat(unavailable.outcomeUnknown()).isFalse())
        .hasMessageContaining(why);
  }

  private static Response incr(RedisStore store, String key) {
    return store.eval(OpenStore.INCR_BY, List.of(key), List.of("1")).await();
  }

  /** Succeeds with how {@code attempt} failed, fails if it succeeded. */
  private static Future<Throwable> failureOf(Future<?> attempt) {
    return attempt.transform(
        done ->
            done.failed()
                ? Future.succeededFuture(done.cause())
                : Future.failedFuture("the script was applied"));
  }

  private static String get(RedisStore store, String key) {
    Response value = store.send(key, Request.cmd(Command.GET).arg(key)).await();
    return value == null ? null : value.toString();
  }

  private static void configSet(RedisStore store, String name, String value) {
    store.send(Request.cmd(Command.CONFIG).arg("SET").arg(name).arg(value)).await();
  }
}
