package com.infrafabric.platform.redis;

import static com.infrafabric.platform.redis.EventLoops.on;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisSentinelExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class SentinelFailoverTest {

  @RegisterExtension static final RedisSentinelExtension SENTINEL = RedisSentinelExtension.create();

  /** A function, as the scripts that move money are: a promoted replica must run it too. */
  private static final LuaScript ADD = OpenStore.ADD;

  private static final Duration RECOVERY_MARGIN = Duration.ofSeconds(2);

  private static OpenStore opened;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    opened =
        OpenStore.open(
            RedisSettings.of(SENTINEL.endpoint())
                .withCommandTimeout(Duration.ofMillis(500))
                .withDurability(RedisSettings.Durability.REPLICATED));
    store = opened.store();
  }

  @AfterAll
  static void close() {
    opened.close();
  }

  @Test
  void findsThePromotedReplicaByItselfAndKeepsEveryReplicatedWrite() {
    String key = "{sentinel}:n";
    String loopKey = "{sentinel}:loop";
    Context loop = EventLoops.distinct(opened.vertx(), 1).get(0);
    Await.result(on(loop, () -> store.eval(ADD, List.of(loopKey), List.of("1"))));
    Await.result(store.evalDurably(ADD, List.of(loopKey), List.of("1")));
    for (int i = 0; i < 20; i++) {
      Await.result(store.evalDurably(ADD, List.of(key), List.of("1")));
    }
    var killed = SENTINEL.killMaster();
    Duration promotion = SENTINEL.awaitPromotion(killed, Duration.ofSeconds(30));

    long deadline = System.nanoTime() + RECOVERY_MARGIN.toNanos();
    long value = -1;
    while (value < 0 && System.nanoTime() < deadline) {
      try {
        value = Await.result(store.evalDurably(ADD, List.of(key), List.of("1"))).toLong();
      } catch (RedisUnavailableException stillFailingOver) {
        assertThat(stillFailingOver.getMessage()).doesNotContain(SENTINEL.endpoint().password());
      }
    }
    assertThat(value)
        .as("served again within %d ms of the promotion (%d ms)", 2000, promotion.toMillis())
        .isEqualTo(21);
    assertThat(servedAgain(() -> on(loop, () -> store.eval(ADD, List.of(loopKey), List.of("1")))))
        .as("the event loop's own connection, opened to the old master, found the new one")
        .isEqualTo(3);
  }

  /** What {@code script} answers once it is served, retried for up to the recovery margin. */
  private static long servedAgain(Supplier<Future<Response>> script) {
    long deadline = System.nanoTime() + RECOVERY_MARGIN.toNanos();
    while (true) {
      try {
        return Await.result(script.get()).toLong();
      } catch (RedisUnavailableException stillFailingOver) {
        if (System.nanoTime() > deadline) {
          throw stillFailingOver;
        }
      }
    }
  }
}
