package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.http.AdmissionSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void aFullRunFitsInAboutThreeMinutesOfMeasuring() {
    LoadOptions options = LoadOptions.parse();

    assertThat(options.smoke()).isFalse();
    assertThat(options.warmup().plus(options.duration()).multipliedBy(3))
        .isLessThanOrEqualTo(Duration.ofSeconds(90));
    assertThat(options.out()).isEmpty();
  }

  @Test
  void smokeShortensTheDefaultsAndExplicitOptionsStillWin() {
    LoadOptions options = LoadOptions.parse("--smoke", "--duration", "2s", "--out", "r.json");

    assertThat(options.smoke()).isTrue();
    assertThat(options.warmup()).isEqualTo(Duration.ofMillis(200));
    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.out()).contains(Path.of("r.json"));
  }

  @Test
  void theClientOpensMoreConnectionsThanTheServiceAdmitsSoThatTheServiceShedsTheExcess() {
    LoadOptions options = LoadOptions.parse();

    assertThat(options.admission()).isEqualTo(AdmissionSettings.defaults());
    assertThat(options.connections()).isGreaterThan(2 * options.admission().maxLimit());
  }

  @Test
  void aLowerAdmissionCeilingBringsTheStartAndTheFloorDownToIt() {
    AdmissionSettings admission = LoadOptions.parse("--admission-max-limit", "1").admission();

    assertThat(admission.maxLimit()).isEqualTo(1);
    assertThat(admission.initialLimit()).isEqualTo(1);
    assertThat(admission.minLimit()).isEqualTo(1);
    assertThat(admission.retryAfter()).isEqualTo(AdmissionSettings.defaults().retryAfter());
  }

  @Test
  void aGivenAdmissionFloorRaisesTheStartAndMayNotExceedTheCeiling() {
    AdmissionSettings admission = LoadOptions.parse("--admission-min-limit", "32").admission();

    assertThat(admission.minLimit()).isEqualTo(32);
    assertThat(admission.initialLimit()).isEqualTo(32);
    assertThat(admission.maxLimit()).isEqualTo(AdmissionSettings.defaults().maxLimit());
    assertThat(LoadOptions.parse("--admission-min-limit", "8").admission().initialLimit())
        .isEqualTo(AdmissionSettings.defaults().initialLimit());
    assertThatThrownBy(
            () -> LoadOptions.parse("--admission-max-limit", "8", "--admission-min-limit", "16"))
        .hasMessage("--admission-min-limit 16 is outside 0..8");
  }

  @Test
  void aGivenMaximumRateReplacesTheSearchWhichIsTheDefault() {
    assertThat(LoadOptions.parse().maxRate()).isZero();
    assertThat(LoadOptions.parse("--max-rate", "400").maxRate()).isEqualTo(400);
    assertThatThrownBy(() -> LoadOptions.parse("--max-rate", "-1"))
        .hasMessage("--max-rate -1 is outside 0..1000000");
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> LoadOptions.parse("--rate", "5")).hasMessage("unknown option --rate");
    assertThatThrownBy(() -> LoadOptions.parse("--duration"))
        .hasMessage("--duration needs a value");
    assertThatThrownBy(() -> LoadOptions.parse("--duration", "0s"))
        .hasMessage("--duration 0s must be positive");
    assertThatThrownBy(() -> LoadOptions.parse("--connections", "0"))
        .hasMessage("--connections 0 is outside 1..1024");
    assertThatThrownBy(() -> LoadOptions.parse("--connections", "many"))
        .hasMessage("--connections many is not a whole number");
  }

  @Test
  void anOptionTheHarnessDoesNotUseIsRefusedNotIgnored() {
    for (String unused : ClaimPathLoad.UNUSED_OPTIONS) {
      assertThatThrownBy(() -> LoadOptions.parse(ClaimPathLoad.UNUSED_OPTIONS, unused, "1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(unused + " is not used by this harness");
    }
    assertThat(LoadOptions.parse(ClaimPathLoad.UNUSED_OPTIONS, "--max-rate", "40").maxRate())
        .isEqualTo(40);
  }
}
