package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression class: a 2025-03-26 batch had no deadline of its own, so 16 slow calls held one HTTP
 * request for 16 times the bound of one call. A batch is now answered by the largest timeout a tool
 * may have ({@code chassis.caps.timeout}); its requests not answered by then are answered with
 * -32001, and those not started do not run.
 */
@Timeout(60)
class McpBatchDeadlineTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final int CALLS = 8;

  @Test
  void aBatchOfSlowCallsIsAnsweredByItsDeadlineAndTheRestDoNotRun() {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of("chassis.caps.timeout", DEADLINE.toMillis() + "ms"))) {
      byte[] spin = Guests.wat(Guests.SPIN);
      Contracts contract =
          Contracts.forModule("spin", spin)
              .limit("timeoutMs", null, 300)
              .limit("cpuTimeMs", null, 300);
      assertThat(rig.register(spin, contract).statusCode()).isEqualTo(201);
      String agent = rig.agent("acme", "spin");
      String session = McpProtocolAbuseTest.initialize(rig.http, agent, "2025-03-26");

      long start = System.nanoTime();
      HttpResponse<String> answer =
          McpProtocolAbuseTest.post(rig.http, agent, session, batch(CALLS));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      // Run to the end, the calls would take at least 8 x 300 ms.
      assertThat(took).isLessThan(DEADLINE.plusMillis(700));
      JsonArray answers = new JsonArray(answer.body());
      assertThat(answers).hasSize(CALLS);
      for (int i = 0; i < CALLS; i++) {
        assertThat(answers.getJsonObject(i).getInteger("id")).isEqualTo(i);
      }
      assertThat(answers.getJsonObject(0).getJsonObject("result").getBoolean("isError")).isTrue();
      JsonObject last = answers.getJsonObject(CALLS - 1).getJsonObject("error");
      assertThat(last.getInteger("code")).isEqualTo(-32001);
      assertThat(last.getString("message")).contains("deadline of 1000 ms", "did not run");
      assertThat(invocations(rig)).isLessThan(CALLS / 2);
    }
  }

  private static double invocations(ChassisServiceRig rig) {
    return rig.meters.find("chassis.invocations").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static String batch(int calls) {
    return IntStream.range(0, calls)
        .mapToObj(
            id ->
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + id
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"spin\"}}")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
