package com.infrafabric.benchmarks.load;

import org.HdrHistogram.Histogram;

/**
 * Counts and times the operations of one phase. Not thread-safe: confined to the Vert.x context
 * that drives the phase, where every operation starts and completes. Operations that start before
 * {@code measureFrom} (the warm-up) are ignored.
 */
final class PhaseRecorder {

  private final long measureFrom;
  private final Histogram latency = Latency.histogram();
  private final Histogram launchLag = Latency.histogram();
  private final Histogram rejections = Latency.histogram();
  private long failed;
  private long dropped;
  private long lastCompletion;
  private Throwable firstFailure;

  /** Measures operations starting at or after {@code measureFrom} ({@link System#nanoTime}). */
  PhaseRecorder(long measureFrom) {
    this.measureFrom = measureFrom;
  }

  void launched(long intended, long actual) {
    if (measured(intended)) {
      launchLag.recordValue(Math.max(0, actual - intended));
    }
  }

  void completed(long start, long end) {
    if (measured(start)) {
      latency.recordValue(end - start);
      lastCompletion = Math.max(lastCompletion, end);
    }
  }

  /**
   * An operation that did not succeed: shed by the service ({@link Shed}), counted with how long
   * the refusal took, or failed.
   */
  void failed(long start, long end, Throwable cause) {
    if (cause instanceof Shed && measured(start)) {
      rejections.recordValue(end - start);
    } else if (measured(start)) {
      failed++;
      if (firstFailure == null) {
        firstFailure = cause;
      }
    }
  }

  void dropped(long intended) {
    if (measured(intended)) {
      dropped++;
    }
  }

  PhaseResult result(String name, long offeredPerSecond) {
    long completed = latency.getTotalCount();
    double seconds = (lastCompletion - measureFrom) / 1e9;
    return new PhaseResult(
        name,
        offeredPerSecond,
        completed == 0 ? 0 : completed / seconds,
        completed,
        failed,
        dropped,
        Latency.of(latency),
        Latency.of(launchLag),
        Latency.of(rejections),
        firstFailure == null ? "" : String.valueOf(firstFailure));
  }

  private boolean measured(long start) {
    return start - measureFrom >= 0;
  }
}
