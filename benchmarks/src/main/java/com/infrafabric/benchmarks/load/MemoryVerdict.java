package com.infrafabric.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Whether a store's memory stayed flat after warm-up, judged against what the load wrote: over the
 * readings from the end of the warm-up on, the least-squares slope of {@code used_memory} and its
 * range (max - min) must each stay within {@value #BOUND_FRACTION} of what the load wrote in that
 * time, per minute for the slope. A store that kept everything grows by all of it, twenty times the
 * bound; one that drops what it should moves by its own fluctuations only.
 *
 * @param warmupMillis load before the first judged reading may be taken
 * @param judged readings after the warm-up
 * @param windowMinutes from the first to the last of them
 * @param slopeBytesPerMinute least-squares slope of {@code used_memory} over them
 * @param spreadBytes their largest minus their smallest {@code used_memory}
 * @param meanBytes their mean {@code used_memory}
 * @param writtenBytesPerMinute what the load wrote per minute, were nothing ever dropped
 */
record MemoryVerdict(
    long warmupMillis,
    int judged,
    double windowMinutes,
    double slopeBytesPerMinute,
    long spreadBytes,
    double meanBytes,
    double writtenBytesPerMinute) {

  /** The share of what the load wrote that the slope and the range may each reach. */
  static final double BOUND_FRACTION = 0.05;

  /** Readings a slope needs to mean anything. */
  static final int MIN_READINGS = 3;

  /**
   * Judges {@code series} from {@code warmupMillis} after the load started, for a load that wrote
   * {@code writtenBytesPerMinute}.
   */
  static MemoryVerdict judge(
      List<MemorySample> series, long warmupMillis, double writtenBytesPerMinute) {
    List<MemorySample> judged = afterWarmup(series, warmupMillis);
    if (judged.size() < MIN_READINGS) {
      return new MemoryVerdict(warmupMillis, judged.size(), 0, 0, 0, 0, writtenBytesPerMinute);
    }
    return new MemoryVerdict(
        warmupMillis,
        judged.size(),
        judged.get(judged.size() - 1).minutes() - judged.get(0).minutes(),
        slope(judged, MemorySample::usedMemory),
        spread(judged),
        judged.stream().mapToLong(MemorySample::usedMemory).average().orElseThrow(),
        writtenBytesPerMinute);
  }

  /** The readings of {@code series} taken {@code warmupMillis} or later after the load started. */
  static List<MemorySample> afterWarmup(List<MemorySample> series, long warmupMillis) {
    return series.stream().filter(s -> s.elapsedMillis() >= warmupMillis).toList();
  }

  /** The bound on the slope's size, bytes per minute. */
  double slopeBound() {
    return BOUND_FRACTION * writtenBytesPerMinute;
  }

  /** The bound on the range, bytes: a share of what the load wrote across the judged window. */
  double spreadBound() {
    return slopeBound() * windowMinutes;
  }

  /** Why the memory is not judged flat; empty if it is. */
  List<String> shortfalls() {
    if (judged < MIN_READINGS) {
      return List.of(
          String.format(
              Locale.ROOT,
              "%d readings after the %.1f min warm-up, at least %d needed: run longer",
              judged,
              warmupMillis / 60_000.0,
              MIN_READINGS));
    }
    List<String> shortfalls = new ArrayList<>();
    if (Math.abs(slopeBytesPerMinute) > slopeBound()) {
      shortfalls.add(
          String.format(
              Locale.ROOT,
              "slope %.3f MB/min beyond the bound of %.3f MB/min",
              slopeBytesPerMinute / 1e6,
              slopeBound() / 1e6));
    }
    if (spreadBytes > spreadBound()) {
      shortfalls.add(
          String.format(
              Locale.ROOT,
              "max - min %.3f MB beyond the bound of %.3f MB",
              spreadBytes / 1e6,
              spreadBound() / 1e6));
    }
    return shortfalls;
  }

  boolean flat() {
    return shortfalls().isEmpty();
  }

  /**
   * The least-squares slope of {@code value} against time, bytes per minute, over readings at two
   * or more distinct times.
   */
  static double slope(List<MemorySample> readings, ToLongFunction<MemorySample> value) {
    double meanT = readings.stream().mapToDouble(MemorySample::minutes).average().orElseThrow();
    double meanV = readings.stream().mapToLong(value).average().orElseThrow();
    double covariance = 0;
    double variance = 0;
    for (MemorySample s : readings) {
      double dt = s.minutes() - meanT;
      covariance += dt * (value.applyAsLong(s) - meanV);
      variance += dt * dt;
    }
    return covariance / variance;
  }

  private static long spread(List<MemorySample> readings) {
    long max = readings.stream().mapToLong(MemorySample::usedMemory).max().orElseThrow();
    long min = readings.stream().mapToLong(MemorySample::usedMemory).min().orElseThrow();
    return max - min;
  }
}
