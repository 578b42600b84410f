package com.infrafabric.platform.http;

import com.netflix.concurrency.limits.limit.AbstractLimit;

/**
 * A concurrency limit that steers the 99th percentile of admitted requests' latency to a target: it
 * shrinks by a tenth as soon as more than one request in a window of {@value #WINDOW} took longer
 * than the target (or was dropped), which says that window's p99 is over it, and grows by one after
 * a whole window within it while at least half the limit was in use.
 *
 * <p>Netflix's {@link com.netflix.concurrency.limits.limit.AIMDLimit} backs off on each slow
 * request but grows on each fast one, so it settles where a large share of requests, about {@code 1
 * / (1 + limit / 10)}, are slower than its target: its target bounds the median, not the tail.
 * Counting the slow requests per window makes the same target bound the p99, without keeping the
 * samples.
 *
 * <p>Windows are counted in requests, so the limit reacts as fast as requests complete, and a
 * window older than {@link #MAX_WINDOW_NANOS} starts again, so two slow requests an hour apart do
 * not count as one window's. A request that starts after a quiet spell as long (none started in it)
 * finds the limit at least back at its initial value: what a busy spell taught it, say a store that
 * stalled, says nothing of an idle node, which growing by one a window would otherwise take
 * thousands of requests to unlearn while refusing a burst it could serve (the probe's: 16 of 20
 * refused minutes after a 2.5 s Redis pause). Times are the limiter's {@code System.nanoTime}
 * readings. Thread-safe: {@link AbstractLimit#onSample} is synchronized.
 */
final class TailLatencyLimit extends AbstractLimit {

  /** Requests per window: more than one slow request in it puts its p99 over the target. */
  static final int WINDOW = 100;

  private static final int SLOW_ALLOWED = WINDOW / 100;
  private static final double BACKOFF = 0.9;
  private static final long MAX_WINDOW_NANOS = 1_000_000_000L;

  private final int initialLimit;
  private final int minLimit;
  private final int maxLimit;
  private final long targetNanos;
  private long windowStart;
  private int samples;
  private int slow;
  private int maxInFlight;
  private long lastStart = Long.MIN_VALUE;

  TailLatencyLimit(AdmissionSettings settings) {
    super(settings.initialLimit());
    this.initialLimit = settings.initialLimit();
    this.minLimit = settings.minLimit();
    this.maxLimit = settings.maxLimit();
    this.targetNanos = settings.targetLatency().toNanos();
  }

  @Override
  protected int _update(long startTime, long rtt, int inFlight, boolean didDrop) {
    boolean afterQuiet = lastStart != Long.MIN_VALUE && startTime - lastStart > MAX_WINDOW_NANOS;
    lastStart = Math.max(lastStart, startTime);
    if (samples == 0 || startTime - windowStart > MAX_WINDOW_NANOS) {
      startWindow(startTime);
    }
    int limit = afterQuiet ? Math.max(getLimit(), initialLimit) : getLimit();
    samples++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (didDrop || rtt > targetNanos) {
      slow++;
    }
    if (slow > SLOW_ALLOWED) {
      samples = 0;
      return Math.max(minLimit, (int) (limit * BACKOFF));
    }
    if (samples == WINDOW) {
      samples = 0;
      return maxInFlight * 2 >= limit ? Math.min(maxLimit, limit + 1) : limit;
    }
    return limit;
  }

  private void startWindow(long startTime) {
    windowStart = startTime;
    samples = 0;
    slow = 0;
    maxInFlight = 0;
  }
}
