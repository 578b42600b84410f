package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Money;
import java.util.List;
import java.util.Map;

/**
 * A hard cap on one window and the soft thresholds, in percent of the cap, whose first crossing
 * emits an event. Reaching the cap itself (100%) always emits one.
 *
 * @param capMicros hard cap in micro-dollars; reservations that would exceed it are denied
 * @param thresholdPercents soft thresholds, strictly ascending, each in 1..99
 */
public record Limit(long capMicros, List<Integer> thresholdPercents) {

  public static final int MAX_THRESHOLDS = 10;

  public Limit {
    Money.checkAmount("cap_micros", capMicros);
    thresholdPercents = List.copyOf(thresholdPercents);
    if (thresholdPercents.size() > MAX_THRESHOLDS) {
      throw invalid("at most " + MAX_THRESHOLDS + " thresholds are allowed");
    }
    int previous = 0;
    for (int pct : thresholdPercents) {
      if (pct < 1 || pct > 99) {
        throw invalid("threshold " + pct + "% is outside 1..99 (the cap itself is 100%)");
      }
      if (pct <= previous) {
        throw invalid(
            "thresholds must be strictly ascending, " + pct + "% follows " + previous + "%");
      }
      previous = pct;
    }
  }

  public static Limit of(long capMicros, Integer... thresholdPercents) {
    return new Limit(capMicros, List.of(thresholdPercents));
  }

  private static GovernorException invalid(String why) {
    return new GovernorException(ErrorCode.INVALID_BUDGET, why, Map.of("field", "thresholds"));
  }
}
