package com.infrafabric.benchmarks.load;

/**
 * What one measured phase did. Only operations whose (intended) start falls inside the measurement
 * window count; the warm-up before it is discarded.
 *
 * @param name what the phase measured, e.g. {@code http-max}
 * @param offeredPerSecond the open-loop rate operations were scheduled at; 0 for a closed loop
 * @param achievedPerSecond operations completed, divided by the time from the start of the
 *     measurement window to the last completion: equal to the offered rate when the system keeps
 *     up, and to its real capacity when a backlog had to drain after the window
 * @param completed operations that succeeded
 * @param failed operations that ended in an error (a status other than the expected one, a timeout,
 *     a Redis error)
 * @param dropped operations never started because the bound on outstanding operations was reached
 * @param latency per-operation latency of the completed operations; for an open loop measured from
 *     the intended start, so queueing behind a slow response is counted (coordinated omission
 *     corrected)
 * @param launchLag for an open loop, how late operations actually started after their intended
 *     start: the load generator's own delay, included in {@code latency}; empty for a closed loop
 * @param rejections operations the service refused at once as overloaded ({@link Shed}): their
 *     count, and how long the refusal took from the intended start; neither completed nor failed
 * @param firstFailure what went wrong with the first failed operation; empty if none failed
 */
record PhaseResult(
    String name,
    long offeredPerSecond,
    double achievedPerSecond,
    long completed,
    long failed,
    long dropped,
    Latency latency,
    Latency launchLag,
    Latency rejections,
    String firstFailure) {

  /** Operations the service shed. */
  long rejected() {
    return rejections.count();
  }

  /** How the load was offered, e.g. {@code open, 2000/s}. */
  String load() {
    return offeredPerSecond == 0 ? "closed loop" : "open, " + offeredPerSecond + "/s";
  }

  /** Achieved over offered rate; 1 for a closed loop, which offers exactly what it achieves. */
  double achievedFraction() {
    return offeredPerSecond == 0 ? 1 : achievedPerSecond / offeredPerSecond;
  }
}
