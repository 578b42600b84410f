package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.OperatorSettings.KvTraffic;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tool that repeats kv calls in a loop stops reaching the store at the node's bound per
 * invocation, on calls or on bytes moved, whichever comes first: each call is small, but the loop
 * would otherwise hold the store every tenant shares for as long as the tool runs. The calls past
 * the bound answer {@code REQUEST_LIMIT} and never reach Redis (counted by the server itself), and
 * the next invocation starts with the whole bound again.
 */
@Timeout(60)
class KvTrafficTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  /** kv-loop's value is 1,000 bytes under a 1-byte key. */
  private static final KvTraffic BOUNDS = new KvTraffic(50, 20_000);

  private static final String REQUEST_LIMIT = "the tool returned status -9";

  private static TestChassis chassis;
  private static ToolRef loop;
  private static Vertx vertx;
  private static RedisStore redis;

  @BeforeAll
  static void start() {
    chassis = TestChassis.start(REDIS.endpoint(), c -> c.kvTraffic(BOUNDS), HostResolver.system());
    loop = chassis.register(Guests.fixture("kv-loop.wat"), c -> c.grantKv(1 << 20, 100)).ref();
    vertx = Vertx.vertx();
    redis = RedisStore.create(vertx, RedisSettings.of(REDIS.endpoint()), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    chassis.close();
    redis.close();
    vertx.close().await();
  }

  @Test
  void putsStopAtTheBytesTheyWouldSend() {
    long before = calls("evalsha", "fcall");

    assertThat(chassis.invoke(loop, "\"p\"").message()).isEqualTo(REQUEST_LIMIT);

    // 1,001 bytes a put: the 20th would pass 20,000.
    assertThat(calls("evalsha", "fcall") - before).isEqualTo(19);
  }

  @Test
  void getsStopOnceWhatTheyReadPassesTheBytes() {
    long before = calls("hget");

    assertThat(chassis.invoke(loop, "\"g\"").message()).isEqualTo(REQUEST_LIMIT);

    // The put and each get move 1,001 bytes: after 19 gets 20,020, the last one past the bound.
    // The put's script reads the value it replaces with an HGET of its own.
    assertThat(calls("hget") - before).isEqualTo(19 + 1);
  }

  @Test
  void listsStopAtTheCallsAndEachInvocationHasItsOwnBound() {
    for (int invocation = 0; invocation < 2; invocation++) {
      long before = calls("zrange");

      assertThat(chassis.invoke(loop, "\"l\"").message()).isEqualTo(REQUEST_LIMIT);

      // A put, then lists of one 1-byte key until the 50 calls are used.
      assertThat(calls("zrange") - before).isEqualTo(49);
    }
  }

  /** How many of {@code commands} the server ran, from {@code INFO commandstats}. */
  private static long calls(String... commands) {
    String stats =
        Await.result(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    long total = 0;
    for (String command : List.of(commands)) {
      Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
      total += calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
    return total;
  }
}
