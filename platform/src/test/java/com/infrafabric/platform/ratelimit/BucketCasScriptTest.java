package com.infrafabric.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.ScriptArgsAssertions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reply shapes RedisBucketStore reads: {1} stored, {0, current} refused, {0} refused absent.
 */
@Timeout(30)
class BucketCasScriptTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static Vertx vertx;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    store =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void close() {
    store.close();
    Await.result(vertx.close());
  }

  @Test
  void theCompareAndSwapScriptReadsItsArgumentsByName() {
    ScriptArgsAssertions.assertReadsArgumentsByName(RedisBucketStore.CAS);
  }

  @Test
  void storesWhenTheBucketHoldsTheExpectedStateWithAnExpiry() {
    Response created = swap("{b}:stored", "", "first");
    Response replaced = swap("{b}:stored", "first", "second");

    assertThat(created.size()).isEqualTo(1);
    assertThat(created.get(0).toInteger()).isEqualTo(1);
    assertThat(replaced.get(0).toInteger()).isEqualTo(1);
    assertThat(get("{b}:stored")).isEqualTo("second");
    assertThat(Await.result(store.send(Request.cmd(Command.PTTL).arg("{b}:stored"))).toLong())
        .isBetween(1L, 60_000L);
  }

  @Test
  void refusesWithWhatTheBucketHoldsNow() {
    swap("{b}:held", "", "theirs");

    Response expectedAbsent = swap("{b}:held", "", "mine");
    Response expectedOther = swap("{b}:held", "stale", "mine");

    assertThat(expectedAbsent.get(0).toInteger()).isZero();
    assertThat(expectedAbsent.get(1).toString()).isEqualTo("theirs");
    assertThat(expectedOther.get(1).toString()).isEqualTo("theirs");
    assertThat(get("{b}:held")).isEqualTo("theirs");
  }

  @Test
  void refusesWithoutAStateWhenTheBucketIsGone() {
    Response refused = swap("{b}:gone", "remembered", "mine");

    assertThat(refused.size()).isEqualTo(2);
    assertThat(refused.get(0).toInteger()).isZero();
    assertThat(refused.get(1)).isNull();
    assertThat(get("{b}:gone")).isNull();
  }

  private static Response swap(String key, String expected, String replacement) {
    return Await.result(
        store.eval(
            RedisBucketStore.CAS,
            List.of(key),
            RedisBucketStore.CAS
                .args()
                .values()
                .put("expected_state", expected)
                .put("new_state", replacement)
                .put("ttl_ms", 60_000)
                .list()));
  }

  private static String get(String key) {
    Response state = Await.result(store.send(Request.cmd(Command.GET).arg(key)));
    return state == null ? null : state.toString();
  }
}
