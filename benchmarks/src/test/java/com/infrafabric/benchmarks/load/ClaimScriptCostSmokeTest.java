package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the claim functions' cost harness for a few pairs, with this build's scripts written out by
 * {@link ScriptSources} standing in for another build's, so that CI notices when the written
 * scripts no longer load as functions, when a raw claim + finish fails, or when the commands a pair
 * makes are no longer counted. The figures of such a short run mean nothing.
 */
class ClaimScriptCostSmokeTest {

  @TempDir Path scripts;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void bothBuildsRunClaimAndFinishAndTheirCommandsAreCounted() throws Exception {
    ScriptSources.main(new String[] {scripts.toString()});
    assertThat(scripts.resolve("claim.lua")).exists();
    assertThat(Files.readString(scripts.resolve("finish.lua"))).startsWith("#!lua name=finish_");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    List<ClaimScriptCost.Result> results =
        ClaimScriptCost.run(
            ClaimScriptCost.Options.parse(
                List.of(
                    "--old",
                    scripts.toString(),
                    "--agents",
                    "40",
                    "--rounds",
                    "2",
                    "--pairs",
                    "5")),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(results)
        .extracting(ClaimScriptCost.Result::build)
        .containsExactly("old", "this build");
    for (ClaimScriptCost.Result result : results) {
      assertThat(result.cpuMicrosPerPair()).as(result.build()).isPositive();
      // Two per pair, and any the service's own sweeper ran meanwhile.
      assertThat(result.commandsPerPair().get("fcall"))
          .as(result.build())
          .isGreaterThanOrEqualTo(2);
      assertThat(result.commandsPerPair().get("hmget")).as(result.build()).isGreaterThan(5);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("commands per claim + finish", "median of the rounds' ratios");
  }

  @Test
  void theRatioOfTwoBuildsIsTheMedianOfTheRounds() {
    assertThat(
            ClaimScriptCost.medianRatio(List.of(90.0, 50.0, 300.0), List.of(100.0, 100.0, 100.0)))
        .isEqualTo(0.9);
    assertThat(ClaimScriptCost.medianRatio(List.of(1.0, 3.0), List.of(2.0, 2.0))).isEqualTo(1.0);
  }
}
