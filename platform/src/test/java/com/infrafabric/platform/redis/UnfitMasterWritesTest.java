package com.infrafabric.platform.redis;

import static com.infrafabric.platform.redis.EventLoops.on;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression: a master made unfit at runtime ({@code CONFIG SET maxmemory-policy allkeys-lru},
 * {@code appendonly no}, its only replica detached under {@code redis.durability=replicated}) was
 * reported by readiness, but every script (every money, hold and claim write) was still run on it.
 * Each store now checks each master in the background, on a connection of its own, and scripts to a
 * master found unfit fail at once, not applied, until a check finds it fit again; a check that gets
 * no answer changes nothing. On a real {@code redis-server}, and without asking {@link
 * RedisStore#refusal()} first, so that the background check alone has to find it.
 */
@Timeout(120)
class UnfitMasterWritesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** A few background checks' time: how soon a change must be acted on. */
  private static final Duration FEW_CHECKS = GuaranteeChecks.INTERVAL.multipliedBy(8);

  private static Vertx vertx;
  private static Context loop;
  private static RedisStore admin;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    loop = EventLoops.distinct(vertx, 1).get(0);
    admin = store(RedisSettings.of(REDIS.endpoint()));
    Await.eventually(admin::roundTrip);
    configSet(admin, "repl-diskless-sync-delay", "0");
  }

  @AfterAll
  static void stop() {
    admin.close();
    vertx.close().await();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "maxmemory-policy, allkeys-lru, noeviction, maxmemory-policy is allkeys-lru",
    "appendonly, no, yes, appendonly is no"
  })
  void aMasterMadeUnfitAtRuntimeTakesNoScriptUntilRestored(
      String setting, String unfit, String fit, String why) {
    try (RedisStore store = store(RedisSettings.of(REDIS.endpoint()))) {
      assertApplied(store);
      configSet(admin, setting, unfit);
      try {
        assertEventuallyRefused(store, why);
        assertRefusedNow(durably(store), why);
      } finally {
        configSet(admin, setting, fit);
      }
      assertEventuallyApplied(store);
    }
  }

  /**
   * Regression: under {@code redis.durability=replicated} a master with no replica online was taken
   * as fit, so every money script ran there, waited in vain for {@code WAIT 1} and answered outcome
   * unknown with its effect applied. A replica detached at runtime now refuses them, at once, until
   * it is attached again.
   */
  @Test
  void replicatedDurabilityRefusesScriptsWhileNoReplicaIsOnline() {
    RedisSettings replicated =
        RedisSettings.of(REDIS.endpoint()).withDurability(RedisSettings.Durability.REPLICATED);
    Path directory = TempFolder.create("infrafabric-replica-");
    try (RedisStore store = store(replicated)) {
      assertThat(Await.result(store.refusal()))
          .as("no replica yet: refused at start")
          .hasValueSatisfying(reason -> assertThat(reason).contains("no replica is online"));
      try (ManagedRedisServer replica = replicaOf(directory, REDIS.endpoint());
          RedisStore onReplica = store(RedisSettings.of(replica.endpoint()))) {
        assertEventuallyApplied(durably(store));

        Await.result(onReplica.send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")));
        Failure refused = assertEventuallyRefused(durably(store), "no replica is online");
        assertThat(refused.took())
            .as("refused before it was sent, not after waiting for a confirmation")
            .isLessThan(replicated.replicaTimeout());

        RedisEndpoint master = REDIS.endpoint();
        Await.result(
            onReplica.send(Request.cmd(Command.REPLICAOF).arg(master.host()).arg(master.port())));
        assertEventuallyApplied(durably(store));
      }
    } finally {
      TempFolder.delete(directory);
    }
  }

  /**
   * Regression: the check took its connection from the request pool, so on a store with a pool of
   * one it failed ("could not serve info") or waited behind the request holding that connection. It
   * has a connection of its own: a pool held by a blocked command does not hide an unfit master.
   */
  @Test
  void aCheckGoesOnItsOwnConnectionSoAFullPoolDoesNotHideAnUnfitMaster() {
    RedisSettings onePooled =
        new RedisSettings(
            REDIS.endpoint(),
            Duration.ofSeconds(30),
            1,
            1,
            RedisSettings.Durability.ACKNOWLEDGED,
            RedisSettings.Persistence.APPEND_ONLY);
    String list = "{unfit}:blocked-" + UUID.randomUUID();
    try (RedisStore store = store(onePooled)) {
      Future<Response> holding = store.send(list, Request.cmd(Command.BLPOP).arg(list).arg(0));
      configSet(admin, "maxmemory-policy", "allkeys-lru");
      try {
        assertEventuallyRefused(store, "maxmemory-policy is allkeys-lru");
      } finally {
        configSet(admin, "maxmemory-policy", "noeviction");
        Await.result(admin.send(list, Request.cmd(Command.LPUSH).arg(list).arg("done")));
      }
      assertThat(Await.result(holding).get(1)).hasToString("done");
      assertEventuallyApplied(store);
    }
  }

  /**
   * A check that gets no answer (a stalled master) says nothing of the master's settings: it
   * neither refuses a fit master's scripts once it answers again, nor lifts the refusal of one
   * found unfit.
   */
  @Test
  void aCheckThatGetsNoAnswerLeavesTheFindingAsItWas() {
    RedisSettings settings =
        RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofMillis(500));
    try (RedisStore store = store(settings)) {
      assertApplied(store);
      assertUnanswered(store);
      assertApplied(store);

      configSet(admin, "maxmemory-policy", "allkeys-lru");
      try {
        assertEventuallyRefused(store, "maxmemory-policy is allkeys-lru");
        assertUnanswered(store);
        assertRefusedNow(script(store), "maxmemory-policy is allkeys-lru");
      } finally {
        configSet(admin, "maxmemory-policy", "noeviction");
      }
      assertEventuallyApplied(store);
    }
  }

  /** Stalls the server until a check of {@code store}'s gets no answer, and lets it run again. */
  private static void assertUnanswered(RedisStore store) {
    REDIS.stall();
    try {
      Throwable unanswered =
          Awaitility.await()
              .atMost(FEW_CHECKS)
              .until(() -> failureOf(store.refusal()), failure -> failure != null);
      assertThat(unanswered)
          .isInstanceOf(RedisUnavailableException.class)
          .hasMessageContaining("could not serve its guarantee check");
    } finally {
      REDIS.resume();
    }
  }

  /** Runs a script that adds one to a key of its own, on an event loop, as a request would. */
  private interface Script {
    Future<Response> run(String key);
  }

  private static Script script(RedisStore store) {
    return key -> on(loop, () -> store.eval(OpenStore.INCR_BY, List.of(key), List.of("1")));
  }

  private static Script durably(RedisStore store) {
    return key -> on(loop, () -> store.evalDurably(OpenStore.INCR_BY, List.of(key), List.of("1")));
  }

  private static void assertApplied(RedisStore store) {
    assertApplied(script(store));
  }

  private static void assertApplied(Script script) {
    String key = freshKey();
    assertThat(Await.result(script.run(key)).toLong()).isEqualTo(1);
  }

  private static void assertEventuallyApplied(RedisStore store) {
    assertEventuallyApplied(script(store));
  }

  private static void assertEventuallyApplied(Script script) {
    Awaitility.await()
        .atMost(FEW_CHECKS)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptionsInstanceOf(RedisUnavailableException.class)
        .untilAsserted(() -> assertApplied(script));
  }

  private static Failure assertEventuallyRefused(RedisStore store, String why) {
    return assertEventuallyRefused(script(store), why);
  }

  /**
   * Runs {@code script} on fresh keys until one fails as not applied, and checks that it was
   * refused: naming {@code why}, and nothing written. Until the change is seen a script may still
   * run, or (under {@code REPLICATED}, its replica just gone) answer outcome unknown.
   */
  private static Failure assertEventuallyRefused(Script script, String why) {
    Failure failure =
        Awaitility.await()
            .atMost(FEW_CHECKS)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> attempt(script),
                failed ->
                    failed.isPresent()
                        && !RedisUnavailableException.isOutcomeUnknown(failed.get().error()))
            .orElseThrow();
    assertNotApplied(failure, why);
    return failure;
  }

  private static void assertRefusedNow(Script script, String why) {
    assertNotApplied(attempt(script).orElseThrow(() -> new AssertionError("it was applied")), why);
  }

  /** One run of {@code script} on a fresh key: how it failed, or empty when it was applied. */
  private static Optional<Failure> attempt(Script script) {
    String key = freshKey();
    long start = System.nanoTime();
    Throwable failure = failureOf(script.run(key).map(applied -> (Object) applied));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return failure == null ? Optional.empty() : Optional.of(new Failure(key, failure, took));
  }

  private static void assertNotApplied(Failure failure, String why) {
    assertThat(failure.error())
        .isInstanceOfSatisfying(
            RedisUnavailableException.class,
            unavailable -> assertThat(unavailable.outcomeUnknown()).isFalse())
        .hasMessageContaining(why)
        .hasMessageNotContaining(REDIS.endpoint().password());
    assertThat(Await.result(admin.send(failure.key(), Request.cmd(Command.GET).arg(failure.key()))))
        .as("nothing was written")
        .isNull();
  }

  /**
   * A script that failed.
   *
   * @param key the key it would have written
   * @param error how it failed
   * @param took how long it took to fail
   */
  private record Failure(String key, Throwable error, Duration took) {}

  /** How {@code attempt} failed, or null if it succeeded. */
  private static Throwable failureOf(Future<?> attempt) {
    try {
      Await.result(attempt);
      return null;
    } catch (RuntimeException failure) {
      return failure;
    }
  }

  private static String freshKey() {
    return "{unfit}:" + UUID.randomUUID();
  }

  private static ManagedRedisServer replicaOf(Path directory, RedisEndpoint master) {
    return ManagedRedisServer.builder(directory)
        .config(
            "masterauth " + master.password(), "replicaof " + master.host() + " " + master.port())
        .build()
        .start();
  }

  private static void configSet(RedisStore store, String name, String value) {
    Await.result(store.send(Request.cmd(Command.CONFIG).arg("SET").arg(name).arg(value)));
  }

  private static RedisStore store(RedisSettings settings) {
    return RedisStore.create(vertx, settings, new SimpleMeterRegistry());
  }
}
