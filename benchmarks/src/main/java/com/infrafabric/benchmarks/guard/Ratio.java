package com.infrafabric.benchmarks.guard;

import java.util.Locale;

/**
 * One guarded ratio of a run: {@code numerator / denominator}, both measured in the run, against
 * the largest it may be.
 */
record Ratio(String name, double numerator, double denominator, String unit, double max) {

  double value() {
    return numerator / denominator;
  }

  boolean regressed() {
    return !(value() <= max);
  }

  String line() {
    return String.format(
        Locale.ROOT,
        "%-20s %10.1f / %10.1f %-3s = %6.2f   max %6.2f   %s",
        name,
        numerator,
        denominator,
        unit,
        value(),
        max,
        regressed() ? "REGRESSED" : "ok");
  }
}
