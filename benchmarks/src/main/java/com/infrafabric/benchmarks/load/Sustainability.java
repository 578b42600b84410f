package com.infrafabric.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When an open-loop rate counts as sustainable. In its measurement window:
 *
 * <ol>
 *   <li>no operation failed (every reserve answered 201, every commit 200, none timed out);
 *   <li>no operation was dropped at the bound on outstanding operations, nor shed by the service;
 *   <li>the achieved rate (completions over the time from the window's start to the last
 *       completion) is at least {@code minAchievedFraction} of the offered rate, i.e. no backlog
 *       built up that had to drain after the window;
 *   <li>the p99 latency, measured from intended starts, is at most {@code maxP99Millis}.
 * </ol>
 *
 * <p>The latency bound is deliberately loose (50 ms by default, five times the 10 ms target at
 * saturation): it only rejects a rate at which a queue is growing inside the window, so the p99 at
 * the maximum rate is a measurement, not something the search assumed.
 *
 * @param minAchievedFraction e.g. 0.95
 * @param maxP99Millis e.g. 50
 */
record Sustainability(double minAchievedFraction, double maxP99Millis) {

  /** What makes {@code phase} unsustainable, one sentence per criterion missed; empty if none. */
  List<String> shortfalls(PhaseResult phase) {
    List<String> shortfalls = new ArrayList<>();
    if (phase.failed() > 0) {
      shortfalls.add(phase.failed() + " failed, first: " + phase.firstFailure());
    }
    if (phase.dropped() > 0) {
      shortfalls.add(phase.dropped() + " dropped at the outstanding bound");
    }
    if (phase.rejected() > 0) {
      shortfalls.add(phase.rejected() + " refused as overloaded");
    }
    if (phase.achievedFraction() < minAchievedFraction) {
      shortfalls.add(
          String.format(
              Locale.ROOT, "achieved %.1f%% of the offered rate", 100 * phase.achievedFraction()));
    }
    if (phase.latency().p99Millis() > maxP99Millis) {
      shortfalls.add(
          String.format(
              Locale.ROOT,
              "p99 %.2f ms over the %.0f ms bound",
              phase.latency().p99Millis(),
              maxP99Millis));
    }
    return List.copyOf(shortfalls);
  }
}
