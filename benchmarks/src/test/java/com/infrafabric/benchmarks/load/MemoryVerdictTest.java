package com.infrafabric.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class MemoryVerdictTest {

  /** 200 pairs/s of 2,000 B each: 24 MB a minute, were nothing dropped. */
  private static final double WRITTEN_PER_MINUTE = 24e6;

  private static final long WARMUP_MILLIS = 125_000;

  @Test
  void aStoreThatReachesItsLevelAndHoldsItIsFlat() {
    List<MemorySample> series =
        tenMinutes(t -> t < 2 ? 12e6 * t : 24e6 + (Math.round(t * 6) % 2 == 0 ? 4e5 : -4e5));

    MemoryVerdict verdict = MemoryVerdict.judge(series, WARMUP_MILLIS, WRITTEN_PER_MINUTE);

    assertThat(verdict.shortfalls()).isEmpty();
    assertThat(verdict.flat()).isTrue();
    assertThat(verdict.judged()).isEqualTo(48);
    assertThat(verdict.spreadBytes()).isEqualTo(800_000);
    assertThat(verdict.meanBytes()).isCloseTo(24e6, within(1e5));
  }

  @Test
  void aStoreThatKeepsEverythingIsNotFlatByTwentyTimesTheBound() {
    MemoryVerdict verdict =
        MemoryVerdict.judge(tenMinutes(t -> 24e6 * t), WARMUP_MILLIS, WRITTEN_PER_MINUTE);

    assertThat(verdict.slopeBytesPerMinute()).isCloseTo(24e6, within(1.0));
    assertThat(verdict.slopeBytesPerMinute() / verdict.slopeBound()).isCloseTo(20, within(1e-6));
    assertThat(verdict.shortfalls())
        .containsExactly(
            "slope 24.000 MB/min beyond the bound of 1.200 MB/min",
            "max - min 188.000 MB beyond the bound of 9.400 MB");
  }

  @Test
  void aStoreThatKeepsATenthOfWhatItWritesIsNotFlat() {
    MemoryVerdict verdict =
        MemoryVerdict.judge(
            tenMinutes(t -> 24e6 * Math.min(t, 2) + 2.4e6 * t), WARMUP_MILLIS, WRITTEN_PER_MINUTE);

    assertThat(verdict.flat()).isFalse();
    assertThat(verdict.shortfalls().get(0)).startsWith("slope 2.400 MB/min beyond");
  }

  @Test
  void aLevelStoreWithOneBurstBeyondTheRangeBoundIsNotFlat() {
    MemoryVerdict verdict =
        MemoryVerdict.judge(
            tenMinutes(t -> Math.abs(t - 6) < 0.01 ? 40e6 : 24e6),
            WARMUP_MILLIS,
            WRITTEN_PER_MINUTE);

    assertThat(verdict.slopeBytesPerMinute()).isCloseTo(0, within(0.2e6));
    assertThat(verdict.shortfalls())
        .containsExactly("max - min 16.000 MB beyond the bound of 9.400 MB");
  }

  @Test
  void aRunShorterThanItsWarmUpIsNotJudged() {
    List<MemorySample> series = List.of(reading(0, 1e6), reading(1, 2e6), reading(2, 3e6));

    MemoryVerdict verdict = MemoryVerdict.judge(series, WARMUP_MILLIS, WRITTEN_PER_MINUTE);

    assertThat(verdict.flat()).isFalse();
    assertThat(verdict.shortfalls())
        .containsExactly("0 readings after the 2.1 min warm-up, at least 3 needed: run longer");
  }

  @Test
  void theSlopeIsTheLeastSquaresFitInBytesPerMinute() {
    List<MemorySample> points =
        List.of(reading(0, 1e6), reading(1, 2e6), reading(2, 2e6), reading(3, 5e6));

    // x̄ = 1.5, ȳ = 2.5e6; Σ(x-x̄)(y-ȳ) = 1.5·1.5e6 + 0.5·0.5e6 + 0.5·(-0.5e6) + 1.5·2.5e6 = 6e6
    // Σ(x-x̄)² = 5, so 1.2e6 bytes a minute.
    assertThat(MemoryVerdict.slope(points, MemorySample::usedMemory))
        .isCloseTo(1.2e6, within(1e-6));
  }

  /** Readings every 10 s for ten minutes of {@code bytes} at {@code t} minutes. */
  private static List<MemorySample> tenMinutes(DoubleUnaryOperator bytes) {
    List<MemorySample> series = new ArrayList<>();
    for (int i = 0; i <= 60; i++) {
      double minutes = i / 6.0;
      series.add(reading(minutes, bytes.applyAsDouble(minutes)));
    }
    return series;
  }

  private static MemorySample reading(double minutes, double usedMemory) {
    long bytes = Math.round(usedMemory);
    return new MemorySample(Math.round(minutes * 60_000), bytes, bytes / 2, 0, 0, 0, 0, 0);
  }
}
