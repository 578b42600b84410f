package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import java.util.Map;

/**
 * Money is a {@code long} count of micro-dollars (1 USD = 1,000,000), never a floating-point
 * number. Every amount and cap is at most {@link #MAX_MICROS} (one billion dollars), which keeps
 * all sums exact inside Redis' Lua (doubles are exact to 2^53, about nine billion dollars).
 */
public final class Money {

  /** The largest amount or cap accepted: 10^15 micro-dollars, one billion dollars. */
  public static final long MAX_MICROS = 1_000_000_000_000_000L;

  private Money() {}

  /**
   * Returns {@code micros} if it is within 0..{@link #MAX_MICROS}.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} naming the field otherwise
   */
  public static long checkAmount(String field, long micros) {
    if (micros < 0 || micros > MAX_MICROS) {
      throw new GovernorException(
          ErrorCode.INVALID_AMOUNT,
          field + " " + micros + " is outside 0.." + MAX_MICROS + " micro-dollars",
          Map.of("field", field));
    }
    return micros;
  }
}
