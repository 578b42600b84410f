package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
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
    return checkAmount(field, BigInteger.valueOf(micros));
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
    return checkPositive(field, BigInteger.valueOf(micros));
  }

  /** {@link #checkPositive(String, long)} of an amount as a request sent it, of any size. */
  public static long checkPositive(String field, BigInteger micros) {
    return checkRange(field, micros, 1);
  }

  private static long checkRange(String field, BigInteger micros, long min) {
    if (micros.compareTo(BigInteger.valueOf(min)) < 0
        || micros.compareTo(BigInteger.valueOf(MAX_MICROS)) > 0) {
      throw new GovernorException(
          ErrorCode.INVALID_AMOUNT,
          field + " " + micros + " is outside " + min + ".." + MAX_MICROS + " micro-dollars",
          Map.of("field", field));
    }
    return micros.longValueExact();
  }
}
