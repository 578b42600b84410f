package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that stops answering (SIGSTOP) after a command was sent: the caller learns that the
 * outcome is unknown, not that nothing happened; the store then fails fast instead of making every
 * caller wait the command timeout, and comes back by itself once Redis answers.
 */
@Timeout(60)
class StalledRedisTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final Duration TIMEOUT = Duration.ofMillis(1500);
  private static final LuaScript INCR = LuaScript.of("incr", "return redis.call('INCR', KEYS[1])");

  private Vertx vertx;
  private RedisStore store;

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    store =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(TIMEOUT),
            new SimpleMeterRegistry());
    Await.eventually(() -> store.load(List.of(INCR)));
  }

  @AfterEach
  void close() {
    store.close();
    Await.result(vertx.close());
  }

  @Test
  void aScriptSentToAStalledServerIsReportedOutcomeUnknownAndDidRun() {
    String key = "{t}:stalled:" + UUID.randomUUID();
    REDIS.stall();
    RedisUnavailableException unknown;
    try {
      unknown = failure(store.eval(INCR, List.of(key), List.of()));
    } finally {
      REDIS.resume();
    }

    assertThat(unknown.outcomeUnknown()).as(unknown.getMessage()).isTrue();
    assertThat(unknown).hasMessageContaining("no answer within 1500 ms");
    assertThat(Await.result(probedUntilHealthy().send(Request.cmd(Command.GET).arg(key))))
        .as("the script ran once Redis could run it: the outcome really was unknown")
        .hasToString("1");
  }

  @Test
  void onceAnAnswerIsMissingCommandsFailFastAsNotAppliedUntilRedisAnswersAgain() {
    REDIS.stall();
    List<Long> millis = new ArrayList<>();
    RedisUnavailableException fast;
    try {
      failure(store.send(Request.cmd(Command.PING)));
      assertThat(Await.result(store.probe())).isFalse();
      fast = null;
      for (int i = 0; i < 100; i++) {
        long start = System.nanoTime();
        fast = failure(store.send(Request.cmd(Command.INCR).arg("{t}:never")));
        millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
      }
    } finally {
      REDIS.resume();
    }

    assertThat(fast.outcomeUnknown()).as("a command that was never sent was not applied").isFalse();
    millis.sort(null);
    assertThat(millis.get(98))
        .as("p99 while Redis is known down stays far below the %s ms timeout", TIMEOUT.toMillis())
        .isLessThan(StoreHealth.PROBE_INTERVAL.toMillis() + 600);
    assertThat(Await.result(probedUntilHealthy().send(Request.cmd(Command.GET).arg("{t}:never"))))
        .as("no command was sent while the store failed fast")
        .isNull();
  }

  @Test
  void aCommandThatCannotGetAConnectionIsNotApplied() {
    RedisStore fresh =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(TIMEOUT),
            new SimpleMeterRegistry());
    REDIS.stall();
    RedisUnavailableException unavailable;
    try {
      unavailable = failure(fresh.send(Request.cmd(Command.INCR).arg("{t}:fresh")));
    } finally {
      REDIS.resume();
      fresh.close();
    }
    assertThat(unavailable.outcomeUnknown())
        .as("the connection's handshake never completed, so the command was never sent")
        .isFalse();
  }

  /** Waits, with a deadline, until a probe finds Redis answering again. */
  private RedisStore probedUntilHealthy() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Await.result(store.probe())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Redis never answered a probe after it resumed");
      }
    }
    return store;
  }

  private static RedisUnavailableException failure(Future<?> command) {
    try {
      Await.result(command, Duration.ofSeconds(20));
    } catch (RedisUnavailableException e) {
      return e;
    }
    throw new AssertionError("the command succeeded against a stalled Redis");
  }
}
