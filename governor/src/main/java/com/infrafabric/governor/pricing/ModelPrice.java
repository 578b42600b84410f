package com.infrafabric.governor.pricing;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.TokenUsage;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one model costs, in micro-dollars per million tokens ($3.00 per million input tokens is
 * {@code 3_000_000}).
 *
 * @param model the model name callers use, e.g. {@code gpt-4o-mini}
 * @param inputPerMillion price of a million uncached input tokens
 * @param cachedInputPerMillion price of a million cached input tokens
 * @param outputPerMillion price of a million output tokens
 */
public record ModelPrice(
    String model, long inputPerMillion, long cachedInputPerMillion, long outputPerMillion) {

  /**
   * $2,000 per million tokens: above any real price, and low enough that the cost of the largest
   * usage ({@link TokenUsage#MAX_TOKENS} of each kind) fits a {@code long} before rounding.
   */
  public static final long MAX_PRICE_PER_MILLION = 2_000_000_000L;

  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");

  public ModelPrice {
    if (!isValidName(model)) {
      throw new GovernorException(
          ErrorCode.INVALID_PRICING,
          "model name must be 1-128 characters of A-Z a-z 0-9 . _ : / @ - starting with a letter"
              + " or digit",
          Map.of("field", "model"));
    }
    check(model, "input_per_million", inputPerMillion);
    check(model, "cached_input_per_million", cachedInputPerMillion);
    check(model, "output_per_million", outputPerMillion);
  }

  /**
   * True if no kind of token costs more here than on {@code other}: then any usage costs at most
   * what it would cost on {@code other}, so a reservation priced for {@code other} covers it.
   */
  public boolean noDearerThan(ModelPrice other) {
    return inputPerMillion <= other.inputPerMillion
        && cachedInputPerMillion <= other.cachedInputPerMillion
        && outputPerMillion <= other.outputPerMillion;
  }

  /** True if {@code model} is a valid model name (so it is safe in Redis fields and logs). */
  public static boolean isValidName(String model) {
    return model != null && MODEL.matcher(model).matches();
  }

  /**
   * The exact cost of {@code usage}, rounded <b>up</b> to the next micro-dollar: the provider never
   * bills less than we record, and a call that costs anything never records zero.
   */
  public long cost(TokenUsage usage) {
    long microTokenDollars =
        Math.addExact(
            Math.addExact(
                Math.multiplyExact(usage.inputTokens(), inputPerMillion),
                Math.multiplyExact(usage.cachedInputTokens(), cachedInputPerMillion)),
            Math.multiplyExact(usage.outputTokens(), outputPerMillion));
    long micros = microTokenDollars / 1_000_000L;
    return microTokenDollars % 1_000_000L == 0 ? micros : micros + 1;
  }

  private static void check(String model, String field, long price) {
    if (price < 0 || price > MAX_PRICE_PER_MILLION) {
      throw new GovernorException(
          ErrorCode.INVALID_PRICING,
          model + " " + field + " " + price + " is outside 0.." + MAX_PRICE_PER_MILLION,
          Map.of("field", field, "model", model));
    }
  }
}
