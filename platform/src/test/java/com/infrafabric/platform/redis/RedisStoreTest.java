package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.FunctionLibraries;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class RedisStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final LuaScript INCR_BY = OpenStore.INCR_BY;

  private static OpenStore opened;
  private static SimpleMeterRegistry meters;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    opened =
        OpenStore.open(
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofMillis(500)));
    meters = opened.meters();
    store = opened.store();
  }

  @AfterAll
  static void close() {
    opened.close();
  }

  @Test
  void runsScriptsBySha1AndReloadsThemAfterTheServerForgetsThem() throws Exception {
    assertThat(await(store.eval(INCR_BY, List.of("{t}:n"), List.of("2"))).toLong()).isEqualTo(2);
    await(store.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    assertThat(await(store.hasScripts(List.of(INCR_BY)))).isFalse();

    assertThat(await(store.eval(INCR_BY, List.of("{t}:n"), List.of("3"))).toLong()).isEqualTo(5);
    assertThat(await(store.hasScripts(List.of(INCR_BY)))).isTrue();
    assertThat(
            meters
                .find("redis.commands")
                .tag("command", "incr_by")
                .tag("outcome", "ok")
                .timer()
                .count())
        .isEqualTo(2);
  }

  @Test
  void runsFunctionsByNameAndReloadsThemAfterTheServerForgetsThem() {
    LuaScript add = OpenStore.ADD;
    await(store.load(List.of(INCR_BY)));
    assertThat(await(store.eval(add, List.of("{f}:n"), List.of("2"))).toLong()).isEqualTo(2);
    assertThat(await(store.hasScripts(List.of(add, INCR_BY)))).isTrue();
    await(store.send(Request.cmd(Command.FUNCTION).arg("FLUSH")));
    assertThat(await(store.hasScripts(List.of(add)))).isFalse();

    assertThat(await(store.eval(add, List.of("{f}:n"), List.of("3"))).toLong())
        .as("3 added once: the library's per-call state was set anew")
        .isEqualTo(5);
    assertThat(await(store.hasScripts(List.of(add)))).isTrue();
  }

  @Test
  void twoVersionsOfAFunctionRunSideBySideEachItsOwnCode() {
    LuaScript old = OpenStore.add("-- v1\n");
    LuaScript next =
        LuaScript.function(
            "add",
            "",
            "-- v2\n",
            "return redis.call('INCRBY', KEYS[1], 10 * ARGV[ARG_BY])",
            ScriptArgs.of("by"));
    assertThat(next.id()).isNotEqualTo(old.id()).startsWith("add_");
    await(store.load(List.of(old, next)));
    await(store.load(List.of(old)));

    assertThat(await(store.eval(old, List.of("{v}:n"), List.of("1"))).toLong()).isEqualTo(1);
    assertThat(await(store.eval(next, List.of("{v}:n"), List.of("1"))).toLong()).isEqualTo(11);
  }

  @Test
  void deletesOtherVersionsOfItsFunctionsAndANodeStillCallingOneLoadsItAgain() {
    LuaScript old = OpenStore.add("-- v1\n");
    LuaScript next = OpenStore.add("-- v2\n");
    String sha1 = "0123456789abcdef0123456789abcdef01234567";
    List<String> others = List.of("keep_me", "add_extra_" + sha1, "addx_" + sha1, "add_2");
    await(store.load(List.of(old)));
    others.forEach(library -> FunctionLibraries.load(store, library));

    await(store.load(List.of(next)));
    assertThat(libraries()).as("loading deletes nothing").contains(old.id(), next.id());
    await(store.deleteOtherVersions(List.of(next)));

    assertThat(libraries())
        .as("the old version is gone; libraries that only look alike are kept")
        .contains(next.id())
        .containsAll(others)
        .doesNotContain(old.id());
    assertThat(await(store.eval(old, List.of("{o}:n"), List.of("1"))).toLong())
        .as("a node still running the old version loads it again")
        .isEqualTo(1);
    assertThat(libraries()).contains(old.id(), next.id());
  }

  @Test
  void twoVersionsOfAFunctionLoadedTogetherAreBothKept() {
    LuaScript old = OpenStore.add("-- v1\n");
    LuaScript next = OpenStore.add("-- v2\n");
    await(store.load(List.of(old, next)));

    await(store.deleteOtherVersions(List.of(old, next)));

    assertThat(libraries()).contains(old.id(), next.id());
  }

  private static List<String> libraries() {
    return FunctionLibraries.names(store);
  }

  @Test
  void refusesAFunctionNameRedisWouldNot() {
    assertThatThrownBy(() -> LuaScript.function("add-one", "", "", "return 1", ScriptArgs.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("function name add-one has characters other than letters, digits and _");
  }

  @Test
  void reportsAScriptErrorAsACommandFailure() {
    LuaScript broken = LuaScript.of("broken", "return redis.call('NOSUCHCOMMAND')");
    assertThatThrownBy(() -> await(store.eval(broken, List.of("{t}:x"), List.of())))
        .isInstanceOf(RedisCommandException.class)
        .hasMessageContaining("broken");
  }

  @Test
  void failsClosedWithinTheTimeoutWhileRedisIsDownAndRecoversWhenItReturns() throws Exception {
    REDIS.killHard();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> await(store.roundTrip()))
          .isInstanceOf(RedisUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    } finally {
      REDIS.restart();
    }
    await(store.roundTrip());
  }

  /**
   * Regression: readiness and the store's probe asked {@code PING}, which a read-only replica (what
   * a standalone URL names after a failover demoted its master) and a master out of memory under
   * {@code noeviction} both answer, so the node said ready while every request failed with 503, and
   * each probe marked the master up again. The round trip is now a write Redis refuses in both.
   */
  @Test
  void aMasterThatRefusesWritesIsNotReadyUntilItTakesThemAgain() throws Exception {
    RedisReadinessCheck readiness = RedisReadinessCheck.of(store, List.of());
    assertThat(await(readiness.check()).up()).isTrue();
    for (List<String> refusingWrites :
        List.of(
            List.of("REPLICAOF", "127.0.0.1", "1", "REPLICAOF", "NO", "ONE"),
            List.of("CONFIG", "SET", "maxmemory", "1", "CONFIG", "SET", "maxmemory", "0"))) {
      redisCli(refusingWrites.subList(0, refusingWrites.size() / 2));
      try {
        assertThatThrownBy(() -> await(store.roundTrip()))
            .isInstanceOf(RedisUnavailableException.class);
        assertThat(await(readiness.check()).up()).as(refusingWrites.get(0)).isFalse();
      } finally {
        redisCli(refusingWrites.subList(refusingWrites.size() / 2, refusingWrites.size()));
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> await(readiness.check()).up());
    }
  }

  private static void redisCli(List<String> command) throws Exception {
    RedisEndpoint endpoint = REDIS.endpoint();
    List<String> line =
        new java.util.ArrayList<>(
            List.of("redis-cli", "--no-auth-warning", "-h", endpoint.host(), "-p"));
    line.add(Integer.toString(endpoint.port()));
    if (endpoint.password() != null) {
      line.addAll(List.of("-a", endpoint.password()));
    }
    line.addAll(command);
    Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
    String said = new String(cli.getInputStream().readAllBytes()).strip();
    assertThat(cli.waitFor()).as(said).isZero();
    assertThat(said).isEqualTo("OK");
  }

  @Test
  void reportsAConnectionLostMidCommandAsUnavailableNotAsARefusal() {
    RedisStore patient =
        RedisStore.create(
            opened.vertx(),
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(20)),
            meters);
    try {
      io.vertx.core.Future<?> blocked =
          patient.send(Request.cmd(Command.BLPOP).arg("{t}:never").arg(0));
      awaitBlockedClient();
      REDIS.killHard();
      try {
        assertThatThrownBy(() -> await(blocked)).isInstanceOf(RedisUnavailableException.class);
      } finally {
        REDIS.restart();
      }
    } finally {
      patient.close();
    }
  }

  private static void awaitBlockedClient() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!await(store.send(Request.cmd(Command.CLIENT).arg("LIST")))
        .toString()
        .contains("cmd=blpop")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("BLPOP never reached the server");
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    return Await.result(future);
  }
}
