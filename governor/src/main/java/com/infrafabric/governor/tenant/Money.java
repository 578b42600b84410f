package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.http.Excerpt;
import java.math.BigInteger;
import java.util.Map;

/**
 * Money is a {@code long} count of micro-dollars (1 USD = 1,000,000), never a floating-point
 * number.
 *
 * <p>{@link #MAX_MICROS} bounds every amount and cap a caller gives, and every counter the governor
 * keeps: spent, reserved and their sum in each window of each scope, and the token counters of each
 * window. It is the largest integer a Lua number (a double) holds exactly, so the Lua scripts
 * compute every counter exactly; they read it from this declaration (see {@code
 * TenantScripts.compose}). An operation that would take a counter or a sum of counters past it is
 * refused with {@code COUNTER_LIMIT} and changes nothing: counters never round, saturate or wrap.
 */
public final class Money {

  /** 2^53 - 1 micro-dollars (about 9 billion dollars); also the bound of every token counter. */
  public static final long MAX_MICROS = (1L << 53) - 1;

  private Money() {}

  /**
   * Returns {@code micros} if it is within 0..{@link #MAX_MICROS}.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} naming the field otherwise
   */
  public static long checkAmount(String field, long micros) {
    return checkRange(field, micros, 0);
  }

  /**
   * {@link #checkAmount(String, long)} of an amount as a request sent it, of any size: one past 64
   * bits is outside the range like any other, and its refusal quotes it as sent.
   */
  public static long checkAmount(String field, BigInteger micros) {
    return checkRange(field, micros, 0);
  }

  /**
   * Returns {@code micros} if it is within 1..{@link #MAX_MICROS}, for an amount that means nothing
   * at zero (a task's max cost): one range, so a refusal says the same range whichever side the
   * amount fell off.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} naming the field otherwise
   */
  public static long checkPositive(String field, long micros) {
    return checkRange(field, micros, 1);
  }

  /** {@link #checkPositive(String, long)} of an amount as a request sent it, of any size. */
  public static long checkPositive(String field, BigInteger micros) {
    return checkRange(field, micros, 1);
  }

  /** Within 64 bits, checked as the long it is (the charge path's case); past them, refused. */
  private static long checkRange(String field, BigInteger micros, long min) {
    if (micros.bitLength() < Long.SIZE) {
      return checkRange(field, micros.longValue(), min);
    }
    throw outside(field, micros.toString(), min);
  }

  private static long checkRange(String field, long micros, long min) {
    if (micros < min || micros > MAX_MICROS) {
      throw outside(field, Long.toString(micros), min);
    }
    return micros;
  }

  private static GovernorException outside(String field, String micros, long min) {
    return new GovernorException(
        ErrorCode.INVALID_AMOUNT,
        field
            + " "
            + Excerpt.of(micros, Excerpt.VALUE_CHARS)
            + " is outside "
            + min
            + ".."
            + MAX_MICROS
            + " micro-dollars",
        Map.of("field", field, "min", min, "max", MAX_MICROS));
  }
}
