package com.infrafabric.governor.ledger;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.time.Instant;
import java.util.Map;

/**
 * The rule every time range of the ledger and its reports keeps ({@code from}, {@code to}): it ends
 * after it starts. An inverted or empty range selects nothing, which says nothing of why, so it is
 * refused; the CLI checks it with the same rule before sending.
 */
public final class TimeRange {

  private TimeRange() {}

  /**
   * Refuses a range that does not end after it starts; an open end ({@code null}) is no range to
   * check.
   *
   * @throws GovernorException {@code INVALID_REQUEST} naming {@code to}
   */
  public static void requireOrdered(Instant from, Instant to) {
    if (from != null && to != null && !to.isAfter(from)) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "to must be after from", Map.of("field", "to"));
    }
  }
}
