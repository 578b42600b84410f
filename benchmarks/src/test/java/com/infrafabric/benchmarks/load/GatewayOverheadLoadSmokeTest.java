package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the gateway overhead harness in smoke mode, so that CI notices when it no longer starts,
 * when a call straight to the provider or through the gateway fails, or when the results lose a
 * figure. A smoke run's figures mean nothing, so nothing here bounds a latency.
 */
class GatewayOverheadLoadSmokeTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void bothPhasesAnswerEveryRequestAndTheAddedLatencyIsWritten(@TempDir Path directory)
      throws Exception {
    Path out = directory.resolve("gateway-overhead.json");

    GatewayOverheadLoad.main(new String[] {"--smoke", "--out", out.toString()});

    JsonObject results = new JsonObject(Files.readString(out));
    assertThat(results.getBoolean("smoke")).isTrue();
    for (String phase : List.of("direct", "gateway")) {
      JsonObject p = results.getJsonObject(phase);
      assertThat(p.getLong("completed")).as(phase).isPositive();
      assertThat(p.getLong("failed")).as(p.getString("first_failure")).isZero();
      assertThat(p.getLong("rejected")).as(phase).isZero();
      assertThat(p.getJsonObject("latency_ms").getDouble("p99")).as(phase).isPositive();
    }
    assertThat(results.getDouble("added_p99_ms"))
        .isEqualTo(
            results.getJsonObject("gateway").getJsonObject("latency_ms").getDouble("p99")
                - results.getJsonObject("direct").getJsonObject("latency_ms").getDouble("p99"));
    assertThat(results.getDouble("target_added_p99_ms")).isEqualTo(2.0);
    assertThat(results.getString("caller")).isEqualTo("key");
    assertThat(results.getDouble("direct_cpu_ms_per_call")).isPositive();
    assertThat(results.getDouble("gateway_cpu_ms_per_call")).isPositive();
    for (String path : List.of("direct", "gateway")) {
      assertThat(results.getDouble(path + "_jit_cpu_ms_while_measured")).as(path).isNotNull();
      assertThat(results.getDouble(path + "_jit_cpu_ms_per_call"))
          .as(path)
          .isBetween(0.0, results.getDouble(path + "_cpu_ms_per_call"));
    }
  }
}
