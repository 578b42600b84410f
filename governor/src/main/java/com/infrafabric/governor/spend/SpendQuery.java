package com.infrafabric.governor.spend;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.TimeRange;
import com.infrafabric.governor.tenant.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a spend report covers.
 *
 * @param within the subtree whose spend is reported
 * @param from the start of the range (inclusive), compared with each entry's recorded time ({@link
 *     com.infrafabric.governor.ledger.LedgerEntry#timestamp})
 * @param to the end of the range (exclusive), after {@code from} and at most {@link #MAX_RANGE}
 *     later
 * @param groupBy 1 to 5 distinct dimensions
 */
public record SpendQuery(Scope within, Instant from, Instant to, List<SpendDimension> groupBy) {

  /** The longest range one report covers. */
  public static final Duration MAX_RANGE = Duration.ofDays(92);

  public SpendQuery {
    Objects.requireNonNull(within, "within");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    groupBy = List.copyOf(groupBy);
    if (groupBy.isEmpty() || groupBy.stream().distinct().count() != groupBy.size()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "group_by must name 1 to 5 distinct dimensions",
          Map.of("field", "group_by"));
    }
    TimeRange.requireOrdered(from, to);
    if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
      throw new GovernorException(
          ErrorCode.REPORT_TOO_LARGE,
          "a report covers at most " + MAX_RANGE.toDays() + " days; ask for a shorter range",
          Map.of("max_days", MAX_RANGE.toDays()));
    }
  }
}
