package com.infrafabric.platform.http;

import java.time.Duration;

/**
 * The adaptive concurrency limit on a service's latency-bound routes (those registered through
 * {@link Routes#admissionControlled()}): how many of their requests one node handles at once. The
 * limit starts at {@code initialLimit} and moves between {@code minLimit} and {@code maxLimit}: it
 * grows by one while admitted requests answer within {@code targetLatency} and half the limit is in
 * use, and shrinks by a tenth whenever one takes longer. A request over it is answered 503 {@code
 * OVERLOADED} with {@code Retry-After: retryAfter} at once, never queued.
 *
 * <p>The target is a latency, not a relative change, because the promise is one: a limit that only
 * watches latency rise against its own recent past (Gradient2) follows a sustained overload up and
 * settles at its ceiling, where admitted requests wait behind each other for tens of milliseconds.
 *
 * @param initialLimit the limit before any latency has been measured, within min..max
 * @param minLimit the limit never drops below this, 1..10000
 * @param maxLimit the limit never grows above this, min..10000
 * @param targetLatency an admitted request answered later than this (from admission to the end of
 *     its response) shrinks the limit, positive
 * @param retryAfter what a refused client is told to wait, positive
 */
public record AdmissionSettings(
    int initialLimit, int minLimit, int maxLimit, Duration targetLatency, Duration retryAfter) {

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
    HttpSettings.requirePositive("http.admission.targetLatency", targetLatency);
    HttpSettings.requirePositive("http.admission.retryAfter", retryAfter);
  }

  /**
   * Starts at 16 and adapts between 16 and 64 towards 4 ms per admitted request; tells refused
   * clients to retry after 1 s.
   *
   * <p>4 ms because an LLM call's charge is two such requests (reserve, then commit) and their sum
   * must stay under 10 ms at p99 with the client's own time on top. The floor of 16 keeps an
   * ordinary burst of parallel callers (a dispatcher's workers, a chassis running several tools)
   * admitted however slow the node was a moment ago, which also bounds how far a noisy neighbour
   * can push the limit down. The ceiling of 64 is where, at a node's few thousand of these requests
   * a second, the last one admitted would already wait 10 ms or more.
   */
  public static AdmissionSettings defaults() {
    return new AdmissionSettings(16, 16, 64, Duration.ofMillis(4), Duration.ofSeconds(1));
  }

  /** A limit that never moves from {@code limit}: for tests that need a known bound. */
  public static AdmissionSettings fixed(int limit) {
    return new AdmissionSettings(
        limit, limit, limit, defaults().targetLatency(), defaults().retryAfter());
  }

  /**
   * The same bounds and waits with {@code maxLimit} as the ceiling, the start and floor below it.
   */
  public AdmissionSettings withMaxLimit(int ceiling) {
    return new AdmissionSettings(
        Math.min(initialLimit, ceiling),
        Math.min(minLimit, ceiling),
        ceiling,
        targetLatency,
        retryAfter);
  }
}
