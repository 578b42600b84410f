package com.infrafabric.benchmarks.load;

/**
 * One target of issue 3 and what this run measured against it.
 *
 * @param name what is compared, e.g. {@code p99 at half the max rate}
 * @param measured the run's figure, in {@code unit}
 * @param limit the target, in {@code unit}
 * @param unit {@code ms} or {@code %}
 * @param atLeast true if the figure must reach the limit (a rate), false if it must stay within it
 *     (a latency)
 */
record Target(String name, double measured, double limit, String unit, boolean atLeast) {

  /** Measured over limit: at most 1 is good for a latency, at least 1 for a rate. */
  double ratio() {
    return measured / limit;
  }

  boolean met() {
    return atLeast ? measured >= limit : measured <= limit;
  }
}
