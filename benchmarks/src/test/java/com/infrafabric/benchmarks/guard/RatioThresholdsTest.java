package com.infrafabric.benchmarks.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatioThresholdsTest {

  @TempDir Path dir;

  @Test
  void theRepositorysThresholdsLoad() {
    RatioThresholds thresholds =
        RatioThresholds.load(Path.of("ratio-thresholds.properties").toAbsolutePath());

    assertThat(thresholds.engineVsRaw()).isGreaterThan(1);
    assertThat(thresholds.httpVsInProcess()).isGreaterThan(1);
    assertThat(thresholds.chassisVsHandedOffChicory()).isGreaterThan(1);
  }

  @Test
  void aMissingOrNonPositiveThresholdIsNamed() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.properties"),
            "engine-vs-raw.p99.max=2\nhttp-vs-in-process.p99.max=-1\n");

    assertThatThrownBy(() -> RatioThresholds.load(file))
        .hasMessage("http-vs-in-process.p99.max -1 in " + file + " is not a positive number");
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = dir.resolve("absent.properties");

    assertThatThrownBy(() -> RatioThresholds.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot read the ratio thresholds " + file + " (NoSuchFileException)");
  }

  @Test
  void aRatioRegressesOnlyAboveItsThresholdAndWhenItCannotBeComputed() {
    assertThat(new Ratio("r", 20, 10, "us", 2).regressed()).isFalse();
    assertThat(new Ratio("r", 21, 10, "us", 2).regressed()).isTrue();
    assertThat(new Ratio("r", 0, 0, "us", 2).regressed()).as("NaN").isTrue();
  }
}
