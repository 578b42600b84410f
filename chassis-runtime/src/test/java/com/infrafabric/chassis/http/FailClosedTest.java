package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static com.infrafabric.chassis.testing.ChassisServiceRig.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Redis gone every chassis route answers 503 within the command timeout and nothing runs; when
 * Redis returns the service works again without a restart, with its registry intact.
 */
@Timeout(120)
class FailClosedTest {

  /** fsync always: the registration made before the kill must survive it. */
  @RegisterExtension
  static final RedisServerExtension REDIS =
      RedisServerExtension.withAppendFsync(AppendFsync.ALWAYS);

  @TempDir Path directory;

  @Test
  void redisDownMeans503QuicklyAndRedisBackMeansServiceBack() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      byte[] echo = Guests.wat(Guests.ECHO);
      assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
      String agent = rig.agent("acme", "echo", "late");
      assertThat(rig.invoke(agent, "echo", "1.0.0", "up").statusCode()).isEqualTo(200);
      String late =
          registration(echo, Contracts.forModule("late", echo).signedBy(TestChassis.PUBLISHER));

      REDIS.killHard();
      try {
        assertUnavailable(() -> rig.invoke(agent, "echo", "1.0.0", "down"));
        assertUnavailable(() -> rig.http.get("/v1/tools", rig.operator()));
        assertUnavailable(
            () -> rig.http.send("POST", "/v1/tools", rig.publisher(), Map.of(), late));
        assertThat(rig.http.get("/health/ready", rig.operator()).statusCode()).isEqualTo(503);
        assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
      } finally {
        REDIS.restart();
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> rig.invoke(agent, "echo", "1.0.0", "back").statusCode() == 200);
      assertThat(rig.http.get("/health/ready", rig.operator()).statusCode()).isEqualTo(200);
      assertThat(json(rig.http.get("/v1/tools", rig.operator())).getJsonArray("tools"))
          .as("only the registration made before the outage exists")
          .hasSize(1);
      assertThat(rig.invoke(agent, "late", "1.0.0", 1).statusCode()).isEqualTo(404);
    }
  }

  private static void assertUnavailable(Supplier<HttpResponse<String>> call) {
    long start = System.nanoTime();
    HttpResponse<String> down = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
    assertThat(json(down).getString("code")).isEqualTo("STORE_UNAVAILABLE");
    assertThat(down.headers().firstValue("Retry-After")).isPresent();
    assertThat(took).isLessThan(ChassisServiceRig.COMMAND_TIMEOUT.plusSeconds(2));
  }
}
