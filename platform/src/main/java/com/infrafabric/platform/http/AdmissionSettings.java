package com.infrafabric.platform.http;

import java.time.Duration;

/**
 * The adaptive concurrency limit on a service's latency-bound routes (those registered through
 * {@link Routes#admissionControlled()}): how many of their requests one node handles at once. The
 * limit starts at {@code initialLimit} and moves between {@code minLimit} and {@code maxLimit}: it
 * grows by one after a hundred admitted requests with at most one slower than {@code targetLatency}
 * while half the limit is in use, and shrinks by a tenth as soon as more than one of a hundred is
 * slower, so the target bounds the admitted requests' p99 ({@link TailLatencyLimit}). A request
 * over it is answered 503 {@code OVERLOADED} with {@code Retry-After: retryAfter} at once, never
 * queued.
 *
 * <p>The target is a latency, not a relative change, because the promise is one: a limit that only
 * watches latency rise against its own recent past (Gradient2) follows a sustained overload up and
 * settles at its ceiling, where admitted requests wait behind each other for tens of milliseconds.
 *
 * @param initialLimit the limit before any latency has been measured, within min..max
 * @param minLimit the limit never drops below this, 1..10000
 * @param maxLimit the limit never grows above this, min..10000
 * @param targetLatency the p99 the limit steers admitted requests to (from admission to the end of
 *     their response), positive
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
   * Starts at 16 and adapts between 4 and 64 towards a p99 of 4 ms per admitted request; tells
   * refused clients to retry after 1 s.
   *
   * <p>4 ms because an LLM call's charge is two such requests (reserve, then commit) and their sum
   * must stay under 10 ms at p99 with the client's own time on top. The floor is the limit an
   * overloaded node falls back to: on a two-core node serving the charge path at twice its
   * sustainable rate, a floor of 16 kept 16 reserves and their commits in flight, each waiting for
   * the Redis answers of the others (a reserve spent 21.6 ms in the service, 2.4 ms with the limit
   * at 2 or 3). It is not lower than 4 because a node slowed by its neighbours, not by its own
   * load, misses the target too, and a floor of 2 then refused half the requests of four callers
   * calling in turn, and 5-8% of an open load at an eighth of the node's capacity. A burst of
   * parallel callers on a node that keeps its target is not refused: the limit grows towards its
   * ceiling of 64 while requests answer within the target. The ceiling is where, at a node's few
   * thousand of these requests a second, the last one admitted would already wait 10 ms or more.
   */
  public static AdmissionSettings defaults() {
    return new AdmissionSettings(16, 4, 64, Duration.ofMillis(4), Duration.ofSeconds(1));
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

  /**
   * The same ceiling and waits with {@code floor} as the floor, the start raised to it if below.
   */
  public AdmissionSettings withMinLimit(int floor) {
    return new AdmissionSettings(
        Math.max(initialLimit, floor), floor, maxLimit, targetLatency, retryAfter);
  }
}
