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
    thresholdPercents = thresholds("thresholds_pct", thresholdPercents);
  }

  public static Limit of(long capMicros, Integer... thresholdPercents) {
    return new Limit(capMicros, List.of(thresholdPercents));
  }

  /**
   * Returns a copy of {@code percents} if they are soft thresholds a limit can have: at most
   * {@value #MAX_THRESHOLDS}, each in 1..99, strictly ascending.
   *
   * @param field the list's name in the request that sent it ({@code limits.day.thresholds_pct}),
   *     which a refusal names
   * @throws GovernorException {@code INVALID_BUDGET} naming {@code field} otherwise
   */
  public static List<Integer> thresholds(String field, List<Integer> percents) {
    List<Integer> copy = List.copyOf(percents);
    if (copy.size() > MAX_THRESHOLDS) {
      throw invalid(field, "lists " + copy.size() + " thresholds; at most " + MAX_THRESHOLDS);
    }
    int previous = 0;
    for (int pct : copy) {
      if (pct < 1 || pct > 99) {
        throw invalid(field, "threshold " + pct + "% is outside 1..99 (the cap itself is 100%)");
      }
      if (pct <= previous) {
        throw invalid(field, "must be strictly ascending, " + pct + "% follows " + previous + "%");
      }
      previous = pct;
    }
    return copy;
  }

  private static GovernorException invalid(String field, String why) {
    return new GovernorException(
        ErrorCode.INVALID_BUDGET, field + " " + why, Map.of("field", field));
  }
}
