package com.infrafabric.platform.http;

import java.time.Duration;

/**
 * The adaptive concurrency limit on a service's latency-bound routes (those registered through
 * {@link Routes#admissionControlled()}): how many of their requests one node handles at once. The
 * limit starts at {@code initialLimit} and follows the measured latency between {@code minLimit}
 * and {@code maxLimit}; a request over it is answered 503 {@code OVERLOADED} with {@code
 * Retry-After: retryAfter} at once, never queued.
 *
 * <p>The defaults come from where the charge path saturates: the single Redis thread gains no
 * throughput past about 16 commands in flight, so a few dozen requests in flight on one node
 * already fill it; beyond that every extra request only waits.
 *
 * @param initialLimit the limit before any latency has been measured, within min..max
 * @param minLimit the limit never drops below this, 1..10000
 * @param maxLimit the limit never grows above this, min..10000
 * @param retryAfter what a refused client is told to wait, positive
 */
public record AdmissionSettings(int initialLimit, int minLimit, int maxLimit, Duration retryAfter) {

  private static final int CAP = 10_000;

  public AdmissionSettings {
    if (minLimit < 1 || minLimit > CAP) {
      throw new IllegalArgumentException(
          "http.admission.minLimit " + minLimit + " is outside 1.." + CAP);
    }
    if (maxLimit < minLimit || maxLimit > CAP) {
      throw new IllegalArgumentException(
          "http.admission.maxLimit " + maxLimit + " is outside " + minLimit + ".." + CAP);
    }
    if (initialLimit < minLimit || initialLimit > maxLimit) {
      throw new IllegalArgumentException(
          "http.admission.initialLimit "
              + initialLimit
              + " is outside "
              + minLimit
              + ".."
              + maxLimit);
    }
    HttpSettings.requirePositive("http.admission.retryAfter", retryAfter);
  }

  /**
   * Starts at 32, adapts between 16 and 64, tells refused clients to retry after 1 s. The floor of
   * 16 keeps an ordinary burst of parallel callers (a dispatcher's workers, a chassis running
   * several tools) from being shed by a limit that a noisy neighbour pushed down. The ceiling of 64
   * is Little's law at the charge path's measured capacity: a node serves a few thousand of these
   * requests a second, so 64 in flight already means about 10 ms of waiting for the last one
   * admitted; a higher ceiling would only admit requests that then miss their latency.
   */
  public static AdmissionSettings defaults() {
    return new AdmissionSettings(32, 16, 64, Duration.ofSeconds(1));
  }

  /** A limit that never moves from {@code limit}: for tests that need a known bound. */
  public static AdmissionSettings fixed(int limit) {
    return new AdmissionSettings(limit, limit, limit, Duration.ofSeconds(1));
  }
}
