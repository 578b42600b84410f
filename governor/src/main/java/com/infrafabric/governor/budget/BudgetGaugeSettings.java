package com.infrafabric.governor.budget;

import java.time.Duration;
import java.util.Objects;

/**
 * How the remaining-budget gauge is kept ({@link BudgetGauges}).
 *
 * @param maxSeries the most (scope, window) series it shows, 0..10,000; 0 turns it off
 * @param interval how often each node reads them from Redis again
 */
public record BudgetGaugeSettings(int maxSeries, Duration interval) {

  public static final int MAX_SERIES = 10_000;
  public static final BudgetGaugeSettings DEFAULTS =
      new BudgetGaugeSettings(1000, Duration.ofSeconds(30));

  public BudgetGaugeSettings {
    if (maxSeries < 0 || maxSeries > MAX_SERIES) {
      throw new IllegalArgumentException(
          "metrics.budgetGauges.maxSeries " + maxSeries + " is outside 0.." + MAX_SERIES);
    }
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "metrics.budgetGauges.interval " + interval + " is shorter than 1s");
    }
  }
}
