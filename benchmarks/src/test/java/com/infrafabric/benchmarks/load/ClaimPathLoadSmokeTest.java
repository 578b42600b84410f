package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the claim path's harness in smoke mode, so that CI notices when it no longer starts, when
 * claim + finish fails over HTTP, or when the scripts' server times are no longer told apart. The
 * figures of such a short run mean nothing; nothing here bounds a latency.
 */
class ClaimPathLoadSmokeTest {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theCostPhaseTimesTheClaimAndFinishScriptsApart() {
    Run run = Run.of("--smoke");
    ClaimPathLoad.Result result = run.result();

    assertThat(result.cost().completed()).isPositive();
    assertThat(result.cost().failed()).as(result.cost().firstFailure()).isZero();
    for (String script : new String[] {"claim", "finish"}) {
      assertThat(result.scripts()).containsKey(script);
      assertThat(result.scripts().get(script).calls()).as(script).isPositive();
      assertThat(result.scripts().get(script).p50Micros()).as(script).isPositive();
    }
    assertThat(result.cpu().millis()).isPositive();
    assertThat(result.search().steps()).isNotEmpty();
    assertThat(result.half().completed()).isPositive();
    assertThat(run.printed())
        .contains(
            "cost:",
            "cpu:",
            "max sustainable claim+finish rate",
            "JIT compiling",
            "collector pauses",
            "http POST /v1/claims 201",
            "redis calls of 1000 us or more");
  }

  /**
   * A given rate skips the search, not the warm-up: at that rate, open loop, so that the measured
   * phases do not meet the JIT compiling what the search's steps would have reached.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aGivenMaxRateSkipsTheSearchButNotTheWarmUp() {
    Run run = Run.of("--smoke", "--max-rate", "40");
    ClaimPathLoad.Result result = run.result();

    assertThat(result.search().steps()).isEmpty();
    assertThat(result.search().maxRate()).isEqualTo(40);
    assertThat(result.half().offeredPerSecond()).isEqualTo(20);
    assertThat(result.max().offeredPerSecond()).isEqualTo(40);
    assertThat(run.printed())
        .contains("no search: --max-rate 40", "warmup (open, 40/s): admitted")
        .doesNotContain("search-warmup", "step (open");
    assertThat(run.printed().indexOf("warmup (open, 40/s)"))
        .isLessThan(run.printed().indexOf("half (open"));
  }

  /** One run of the harness with {@code args}: its result and what it printed. */
  private record Run(ClaimPathLoad.Result result, String printed) {
    static Run of(String... args) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      ClaimPathLoad.Result result =
          ClaimPathLoad.run(
              LoadOptions.parse(args), new PrintStream(printed, true, StandardCharsets.UTF_8));
      return new Run(result, printed.toString(StandardCharsets.UTF_8));
    }
  }
}
