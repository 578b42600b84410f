package com.infrafabric.platform.redis;

import static com.infrafabric.platform.redis.EventLoops.on;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts called from an event loop go on that loop's own connection: a loop never waits on another
 * (which the pool alone lets happen once its connections belong to other loops), at most as many
 * are in flight on it as the settings allow (the rest take the pool, whose bounds answer overload
 * at once), and a timeout still says whether the script may have run.
 */
@Timeout(60)
class LoopConnectionsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final LuaScript INCR_BY = OpenStore.INCR_BY;
  private static final Duration TIMEOUT = Duration.ofMillis(1500);

  private Vertx vertx;
  private List<Context> loops;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    loops = EventLoops.distinct(vertx, 2);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void aLoopsScriptIsAnsweredWhileTheLoopThatOwnsThePooledConnectionIsBlocked() throws Exception {
    RedisStore store =
        store(
            new RedisSettings(
                REDIS.endpoint(),
                TIMEOUT,
                1,
                16,
                durability(),
                RedisSettings.Persistence.APPEND_ONLY));
    String key = "{loops}:" + UUID.randomUUID();
    Context owner = loops.get(0);
    Context caller = loops.get(1);
    try {
      assertThat(Await.result(on(owner, () -> store.eval(INCR_BY, List.of(key), List.of("1")))))
          .hasToString("1");
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocked = new CountDownLatch(1);
      owner.runOnContext(
          ignored -> {
            blocked.countDown();
            awaitQuietly(release);
          });
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
      Response second;
      try {
        second =
            Await.result(
                on(caller, () -> store.eval(INCR_BY, List.of(key), List.of("1"))),
                Duration.ofSeconds(4));
      } finally {
        release.countDown();
      }
      assertThat(second)
          .as("answered on the caller's own connection, not through the blocked loop")
          .hasToString("2");
    } finally {
      store.close();
    }
  }

  @Test
  void aScriptBeyondALoopsLimitTakesThePoolAndOneBeyondThePoolFailsAtOnceAsNotApplied() {
    RedisStore store =
        store(
            new RedisSettings(
                REDIS.endpoint(),
                TIMEOUT,
                1,
                1,
                durability(),
                RedisSettings.Persistence.APPEND_ONLY));
    String key = "{loops}:" + UUID.randomUUID();
    Context loop = loops.get(0);
    try {
      Await.result(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("1"))));
      REDIS.stall();
      long start = System.nanoTime();
      RedisUnavailableException first;
      RedisUnavailableException third;
      try {
        List<Future<Response>> sent =
            Await.result(
                on(
                    loop,
                    () ->
                        Future.succeededFuture(
                            List.of(
                                store.eval(INCR_BY, List.of(key), List.of("10")),
                                store.eval(INCR_BY, List.of(key), List.of("100")),
                                store.eval(INCR_BY, List.of(key), List.of("1000"))))));
        third = failure(sent.get(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as(
                "the pool, its one connection opening and its one waiter taken by that, refused at once")
            .isLessThan(TIMEOUT);
        first = failure(sent.get(0));
      } finally {
        REDIS.resume();
      }
      assertThat(third.outcomeUnknown()).as(third.getMessage()).isFalse();
      assertThat(first.outcomeUnknown())
          .as("the first was written to the loop's connection before Redis stalled")
          .isTrue();
      Await.eventually(() -> on(loop, store::probe).map(up -> assertUp(up)));
      assertThat(Await.result(on(loop, () -> store.send(Request.cmd(Command.GET).arg(key)))))
          .as("the third never reached Redis")
          .satisfies(value -> assertThat(Long.parseLong(value.toString())).isLessThan(1000));
    } finally {
      store.close();
    }
  }

  @Test
  void aScriptOnALoopsConnectionToAStalledServerIsOutcomeUnknownAndDidRun() {
    RedisStore store = store(RedisSettings.of(REDIS.endpoint()).withCommandTimeout(TIMEOUT));
    String key = "{loops}:" + UUID.randomUUID();
    Context loop = loops.get(0);
    try {
      Await.result(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("1"))));
      REDIS.stall();
      RedisUnavailableException unknown;
      try {
        unknown = failure(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("1"))));
      } finally {
        REDIS.resume();
      }
      assertThat(unknown.outcomeUnknown()).as(unknown.getMessage()).isTrue();
      assertThat(unknown).hasMessageContaining("no answer within 1500 ms");
      Await.eventually(() -> on(loop, store::probe).map(up -> assertUp(up)));
      assertThat(Await.result(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("1")))))
          .as("the stalled script ran once Redis could run it, then this one")
          .hasToString("3");
    } finally {
      store.close();
    }
  }

  @Test
  void aScriptWhoseLoopCannotConnectIsNotApplied() {
    RedisStore store = store(RedisSettings.of(REDIS.endpoint()).withCommandTimeout(TIMEOUT));
    REDIS.stall();
    RedisUnavailableException unavailable;
    try {
      unavailable =
          failure(
              on(loops.get(0), () -> store.eval(INCR_BY, List.of("{loops}:fresh"), List.of("1"))));
    } finally {
      REDIS.resume();
      store.close();
    }
    assertThat(unavailable.outcomeUnknown())
        .as("the loop's connection never completed its handshake, so nothing was sent")
        .isFalse();
  }

  @Test
  void aLoopsConnectionLostWhenRedisRestartsIsReplacedWithoutFailingTheNextScript() {
    RedisStore store = store(RedisSettings.of(REDIS.endpoint()).withCommandTimeout(TIMEOUT));
    String key = "{loops}:" + UUID.randomUUID();
    Context loop = loops.get(0);
    try {
      Await.result(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("1"))));
      REDIS.killHard();
      REDIS.restart();
      Await.eventually(() -> store.send(Request.cmd(Command.PING)));
      Response next = Await.result(on(loop, () -> store.eval(INCR_BY, List.of(key), List.of("5"))));
      assertThat(next.toLong())
          .as("run on a fresh connection, the script loaded again, the key kept or not")
          .isIn(5L, 6L);
    } finally {
      store.close();
    }
  }

  private RedisStore store(RedisSettings settings) {
    return RedisStore.create(vertx, settings, new SimpleMeterRegistry());
  }

  private static RedisSettings.Durability durability() {
    return RedisSettings.Durability.ACKNOWLEDGED;
  }

  private static boolean assertUp(boolean up) {
    if (!up) {
      throw new AssertionError("Redis does not answer a probe yet");
    }
    return true;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
