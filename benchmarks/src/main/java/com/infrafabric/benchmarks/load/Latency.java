package com.infrafabric.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one phase's latencies, in milliseconds, read from an HdrHistogram kept to three
 * significant digits (so every figure is within 0.1% of the recorded value).
 *
 * @param p50Millis the median
 * @param p99Millis the 99th percentile
 * @param p999Millis the 99.9th percentile
 * @param maxMillis the largest value recorded
 * @param count how many values were recorded
 */
public record Latency(
    double p50Millis, double p99Millis, double p999Millis, double maxMillis, long count) {

  /** Nothing recorded. */
  static final Latency NONE = new Latency(0, 0, 0, 0, 0);

  private static final double NANOS_PER_MILLI = 1_000_000.0;
  private static final int SIGNIFICANT_DIGITS = 3;

  /** An empty histogram of nanosecond values, kept to the digits {@link #of} reads. */
  static Histogram histogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  /** The percentiles of {@code nanos}, a histogram of nanosecond values. */
  static Latency of(Histogram nanos) {
    return new Latency(
        millis(nanos.getValueAtPercentile(50)),
        millis(nanos.getValueAtPercentile(99)),
        millis(nanos.getValueAtPercentile(99.9)),
        millis(nanos.getMaxValue()),
        nanos.getTotalCount());
  }

  private static double millis(long nanos) {
    return nanos / NANOS_PER_MILLI;
  }
}
