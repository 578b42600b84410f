package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway overhead harness's command line: its defaults, and a sentence for each bad option.
 */
class GatewayOverheadLoadOptionsTest {

  @Test
  void theDefaultsAreTheIssuesRateWithAKeyAsTheCaller() {
    GatewayOverheadLoad.Options options = GatewayOverheadLoad.Options.parse(List.of());

    assertThat(options.ratePerSecond()).isEqualTo(500);
    assertThat(options.measure()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.caller()).isEqualTo(GatewayUnderLoad.Caller.KEY);
    assertThat(options.out()).isEqualTo(Path.of("gateway-overhead.json"));
    assertThat(options.smoke()).isFalse();
  }

  @Test
  void givenOptionsWin() {
    GatewayOverheadLoad.Options options =
        GatewayOverheadLoad.Options.parse(
            List.of(
                "--rate", "200", "--seconds", "5", "--warmup-seconds", "0", "--caller", "token"));

    assertThat(options.ratePerSecond()).isEqualTo(200);
    assertThat(options.measure()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.warmup()).isZero();
    assertThat(options.caller()).isEqualTo(GatewayUnderLoad.Caller.TOKEN);
  }

  @Test
  void badOptionsAreNamedInASentence() {
    assertThatThrownBy(() -> parse("--help-me", "x")).hasMessage("unknown option --help-me");
    assertThatThrownBy(() -> parse("--rate")).hasMessage("--rate needs a value");
    assertThatThrownBy(() -> parse("--rate", "fast"))
        .hasMessage("--rate fast is not a whole number");
    assertThatThrownBy(() -> parse("--rate", "0")).hasMessage("--rate 0 is outside 1..100000");
    assertThatThrownBy(() -> parse("--seconds", "-3"))
        .hasMessage("--seconds -3 is outside 1..3600");
    assertThatThrownBy(() -> parse("--warmup-seconds", "3601"))
        .hasMessage("--warmup-seconds 3601 is outside 0..3600");
    assertThatThrownBy(() -> parse("--caller", "agent"))
        .hasMessage("--caller agent is neither key nor token");
    assertThatThrownBy(() -> parse("stray")).hasMessage("unknown option stray");
  }

  private static GatewayOverheadLoad.Options parse(String... args) {
    return GatewayOverheadLoad.Options.parse(List.of(args));
  }
}
