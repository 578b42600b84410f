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
 * Runs the whole harness in smoke mode (a private redis-server, the real service, every phase for a
 * moment), so that CI notices when it no longer starts, when the charge or the claim path fails
 * over HTTP, or when the results file or the chart loses a figure. The figures of such a short run
 * mean nothing, so nothing here bounds a latency: smoke mode's p99 bound is one no machine misses,
 * and the assertions are about what happened to each operation.
 */
class ChargePathLoadSmokeTest {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void everyPhaseChargesAndClaimsWithoutFailureAndTheResultsAreWritten(@TempDir Path directory)
      throws Exception {
    Path out = directory.resolve("results.json");

    ChargePathLoad.main(new String[] {"--smoke", "--out", out.toString()});

    JsonObject results = new JsonObject(Files.readString(out));
    assertThat(results.getJsonObject("machine").getInteger("cores"))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(results.getLong("max_sustainable_per_second")).isNotNegative();
    assertThat(results.getJsonArray("search")).isNotEmpty();
    assertThat(results.getDouble("cpu_ms_per_pair"))
        .as("the JVM's and redis-server's CPU per pair, read from /proc")
        .isPositive();
    assertThat(results.getDouble("jit_cpu_ms_per_pair"))
        .isNotNegative()
        .isLessThanOrEqualTo(results.getDouble("cpu_ms_per_pair"));
    assertThat(results.getDouble("voluntary_switches_per_pair"))
        .as("a pair wakes the service's loop, the client's and redis-server at least once each")
        .isGreaterThanOrEqualTo(3);
    for (String phase : List.of("raw", "half", "floor")) {
      assertCompletedWithoutFailure(results.getJsonObject(phase));
    }
    assertThat(results.getJsonObject("max").getLong("completed")).isPositive();
    JsonObject sweep = results.getJsonObject("sweep");
    for (String path : List.of("charge", "claim")) {
      assertThat(sweep.getJsonArray(path)).hasSize(2);
      for (Object phase : sweep.getJsonArray(path)) {
        assertAdmittedOrShedNeverFailed((JsonObject) phase);
      }
    }
    assertThat(results.getJsonArray("targets"))
        .extracting(target -> ((JsonObject) target).getString("name"))
        .containsExactly(
            "p99 at half the max rate",
            "p99 at the max rate",
            "max rate / raw rate",
            "admitted p99 at 2x max",
            "shed p99 at 2x max",
            "claim admitted p99 at 2x",
            "claim shed p99 at 2x",
            "claim p99 at half max");
    JsonObject options = results.getJsonObject("options");
    assertThat(options.getInteger("connections"))
        .as("more connections than the service admits, so the service is where the excess waits")
        .isGreaterThan(options.getInteger("admission_max_limit"));
    assertThat(Files.readString(directory.resolve("results.html")))
        .contains("<svg", "claim p99", "charge p99.9");
  }

  private static void assertCompletedWithoutFailure(JsonObject phase) {
    assertThat(phase.getLong("completed")).as(phase.getString("name")).isPositive();
    assertThat(phase.getLong("failed")).as(phase.getString("first_failure")).isZero();
    assertThat(phase.getJsonObject("latency_ms").getDouble("p99")).isPositive();
  }

  /** Every operation of a sweep phase was either served or shed at once, none failed. */
  private static void assertAdmittedOrShedNeverFailed(JsonObject phase) {
    assertThat(phase.getLong("completed")).as(phase.getString("name")).isPositive();
    assertThat(phase.getLong("failed")).as(phase.getString("first_failure")).isZero();
    assertThat(phase.getLong("rejected"))
        .isEqualTo(phase.getJsonObject("rejection_ms").getLong("count"));
  }
}
