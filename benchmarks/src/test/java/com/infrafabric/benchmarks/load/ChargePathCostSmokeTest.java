package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the cost harness for a moment at each concurrency, so that CI notices when it no longer
 * starts or loses a figure; the figures of so short a run mean nothing.
 */
class ChargePathCostSmokeTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void printsCpuAllocationAndContextSwitchesPerPairAtEachConcurrency() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    LoadOptions options =
        LoadOptions.fromCommandLine(Set.of(), "--warmup", "300ms", "--duration", "500ms")
            .orElseThrow();

    ChargePathCost.run(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

    String report = printed.toString(StandardCharsets.UTF_8);
    for (int concurrency :
        new int[] {ChargePathCost.ALONE, ChargePathCost.CROWDED, 4 * ChargePathCost.CROWDED}) {
      assertThat(report).contains(concurrency + " in flight, ");
    }
    assertThat(report)
        .contains("KB allocated", "voluntary", "generator loop", "child redis-server")
        .contains("redis reserve ok", "redis commit ok", "redis bucket_cas ok");
  }
}
