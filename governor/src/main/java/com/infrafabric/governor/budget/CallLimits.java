package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.http.Excerpt;
import java.math.BigInteger;
import java.util.Map;

/**
 * The most one call may reserve, commit or charge: {@code maxMicros} micro-dollars, priced or given
 * as an amount, and {@code maxTokens} in each of its token counts (operator settings {@code
 * budget.maxCallMicros} and {@code budget.maxCallTokens}).
 *
 * <p>Why: every counter is bounded by {@link Money#MAX_MICROS}, a counter that reaches it refuses
 * every later operation on its layer, and a lifetime counter never rolls over. Charges are never
 * refused for lack of budget (the money is spent) and a commit may spend more than it held, so
 * without a bound per call one request of an agent confined to a sub-scope could fill its tenant's
 * lifetime counter and lock every sibling out for good. Each bound is at most {@link
 * #MAX_MICROS_CEILING} (or {@link TokenUsage#MAX_TOKENS}), so that at least a million calls at the
 * bound still leave every counter within its maximum.
 *
 * <p>The REST API checks every figure a caller reports (reservations, commits, charges, claims and
 * finishes) before anything is sent to Redis. The LLM gateway's calls are bounded by its own
 * settings (its output bound, its answer size) and by what the operator's provider reports.
 */
public record CallLimits(long maxMicros, long maxTokens) {

  /** The largest {@code budget.maxCallMicros}: 2^33 - 1 micro-dollars, about 8,590 dollars. */
  public static final long MAX_MICROS_CEILING = Money.MAX_MICROS >> 20;

  /** 1,000 dollars and 100 million tokens per count: generous for any single LLM call. */
  public static final CallLimits DEFAULTS = new CallLimits(1_000_000_000L, 100_000_000L);

  public static final String MAX_MICROS_KEY = "budget.maxCallMicros";
  public static final String MAX_TOKENS_KEY = "budget.maxCallTokens";

  public CallLimits {
    if (maxMicros < 1 || maxMicros > MAX_MICROS_CEILING) {
      throw new IllegalArgumentException(
          MAX_MICROS_KEY + " " + maxMicros + " is outside 1.." + MAX_MICROS_CEILING);
    }
    if (maxTokens < 1 || maxTokens > TokenUsage.MAX_TOKENS) {
      throw new IllegalArgumentException(
          MAX_TOKENS_KEY + " " + maxTokens + " is outside 1.." + TokenUsage.MAX_TOKENS);
    }
  }

  /**
   * Returns {@code micros}, the amount a request gives in {@code field} as it was sent (of any
   * size), if it is within {@code min}..{@link #maxMicros}: one range, whichever side the amount
   * fell off and however far, so a refusal states the range the field really takes.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} naming the field and the range ({@code
   *     details.min}, {@code details.max}, {@code details.setting}) otherwise
   */
  public long micros(String field, BigInteger micros, long min) {
    return within(field, micros, min, maxMicros, "micro-dollars", MAX_MICROS_KEY);
  }

  /**
   * Returns {@code tokens}, the token count a request gives in {@code field} as it was sent, if it
   * is within 0..{@link #maxTokens}.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} naming the field and the range otherwise
   */
  public long tokens(String field, BigInteger tokens) {
    return within(field, tokens, 0, maxTokens, "tokens", MAX_TOKENS_KEY);
  }

  /**
   * Returns what {@code spend} of tokens costs on {@code catalogue} if that is within {@link
   * #maxMicros}: tokens each within their bound may still price above it on a dear model. A fixed
   * amount is checked where it is read ({@link #micros}), under its own field.
   *
   * @throws GovernorException {@code INVALID_AMOUNT} on the field {@code cost} otherwise
   */
  public long cost(Spend spend, PricingCatalogue catalogue) {
    return within(
        "cost",
        BigInteger.valueOf(PricedSpend.of(spend, catalogue).micros()),
        0,
        maxMicros,
        "micro-dollars",
        MAX_MICROS_KEY);
  }

  private static long within(
      String field, BigInteger value, long min, long max, String unit, String key) {
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new GovernorException(
          ErrorCode.INVALID_AMOUNT,
          field
              + " "
              + Excerpt.of(value.toString(), Excerpt.VALUE_CHARS)
              + " is outside "
              + min
              + ".."
              + max
              + " "
              + unit
              + ", the most one call may take ("
              + key
              + ")",
          Map.of("field", field, "min", min, "max", max, "setting", key));
    }
    return value.longValueExact();
  }
}
