package com.infrafabric.governor.http;

import static com.infrafabric.wire.reservation.ReservationWire.AMOUNT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.CACHED_INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.MAX_OUTPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.OUTPUT_TOKENS;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.CallLimits;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.http.Fields;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The spend a request body reports (a reservation's estimate, a commit's, charge's or finish's
 * actual, a claim's most), each figure within what one call may take ({@link CallLimits}): a caller
 * can never send a single figure anywhere near the counters' bound, whatever the caps above it. A
 * spend given as tokens is also priced (on the current catalogue, as the engine will price it) and
 * its cost held to the same bound. Refusals are {@code INVALID_AMOUNT} naming the field and the
 * bound, before anything reaches Redis.
 */
final class SpendFields {

  private final CallLimits limits;
  private final Supplier<PricingCatalogue> pricing;

  SpendFields(CallLimits limits, Supplier<PricingCatalogue> pricing) {
    this.limits = limits;
    this.pricing = pricing;
  }

  /**
   * A reservation's estimate: {@code amount_micros} of at least 1, or a model with the call's input
   * and maximum output tokens; never nothing ({@link #something}).
   */
  Spend estimate(Fields body) {
    if (body.has(AMOUNT_MICROS)) {
      onlyAmount(body, INPUT_TOKENS, MAX_OUTPUT_TOKENS);
      return Spend.amount(micros(body, AMOUNT_MICROS, 1));
    }
    Spend estimate =
        Spend.estimate(
            body.string(MODEL), tokens(body, INPUT_TOKENS), tokens(body, MAX_OUTPUT_TOKENS));
    return something(estimate, priced(estimate));
  }

  /**
   * A charge's spend: {@code amount_micros} of at least 1, or a model with the tokens the call
   * used; never nothing ({@link #something}).
   */
  Spend charged(Fields body) {
    if (body.has(AMOUNT_MICROS)) {
      onlyAmount(body, INPUT_TOKENS, CACHED_INPUT_TOKENS, OUTPUT_TOKENS);
      return Spend.amount(micros(body, AMOUNT_MICROS, 1));
    }
    Spend spend = reported(body);
    return something(spend, priced(spend));
  }

  /**
   * {@link #actual} of a commit, which the engine prices at its reservation's catalogue version:
   * its cost is checked here only if the current catalogue lists its model (a model removed since
   * is bounded by its token counts alone).
   */
  Spend settled(Fields body) {
    Spend spend = reported(body);
    if (spend instanceof Spend.Metered metered && pricing.get().lists(metered.model())) {
      priced(spend);
    }
    return spend;
  }

  /**
   * {@link #settled}, or nothing spent when the body names none of its fields (a finish reporting
   * no spend). Any one of them (token counts without a model, say) is read as {@link #settled}
   * reads it, never dropped as if absent.
   */
  Spend settledOrNothing(Fields body) {
    boolean reported =
        Stream.of(AMOUNT_MICROS, MODEL, INPUT_TOKENS, CACHED_INPUT_TOKENS, OUTPUT_TOKENS)
            .anyMatch(body::has);
    return reported ? settled(body) : Spend.amount(0);
  }

  private Spend reported(Fields body) {
    if (body.has(AMOUNT_MICROS)) {
      onlyAmount(body, INPUT_TOKENS, CACHED_INPUT_TOKENS, OUTPUT_TOKENS);
      return Spend.amount(micros(body, AMOUNT_MICROS, 0));
    }
    long cached =
        body.optionalExactInteger(CACHED_INPUT_TOKENS)
            .map(count -> limits.tokens(body.fullName(CACHED_INPUT_TOKENS), count))
            .orElse(0L);
    return Spend.tokens(
        body.string(MODEL),
        new TokenUsage(tokens(body, INPUT_TOKENS), cached, tokens(body, OUTPUT_TOKENS)));
  }

  /** The micro-dollar amount {@code field}, required, at least 1 (a claim's most). */
  long positiveMicros(Fields body, String field) {
    return micros(body, field, 1);
  }

  /**
   * The micro-dollar amount {@code field}, required, within {@code min}..the most one call may
   * take: an amount is at least 1 where nothing means nothing to do (a reservation's, a charge's),
   * 0 where it is what a call cost (a commit's, a finish's).
   */
  private long micros(Fields body, String field, long min) {
    return limits.micros(body.fullName(field), body.exactInteger(field), min);
  }

  private long tokens(Fields body, String field) {
    return limits.tokens(body.fullName(field), body.exactInteger(field));
  }

  /**
   * What a spend of tokens costs on the current catalogue (as the engine will price a new
   * reservation or charge), held to the bound of one call.
   */
  private long priced(Spend spend) {
    return limits.cost(spend, pricing.get());
  }

  /**
   * {@code spend} of tokens, unless the catalogue prices them at nothing ({@code cost}; no token at
   * all included). A new reservation or charge of nothing is refused, since it would only write
   * records no budget pays for; its amount is read at least 1 for the same reason. (A commit of
   * nothing is the call costing nothing, and stands.)
   */
  private static Spend something(Spend spend, long cost) {
    if (cost == 0) {
      throw new GovernorException(
          ErrorCode.INVALID_AMOUNT,
          "a reservation or charge of nothing is refused: these tokens cost nothing at the"
              + " current prices",
          Map.of("field", INPUT_TOKENS));
    }
    return spend;
  }

  private static void onlyAmount(Fields body, String... tokenFields) {
    if (body.has(MODEL) || List.of(tokenFields).stream().anyMatch(body::has)) {
      throw Fields.malformed(
          AMOUNT_MICROS, "excludes model and token counts: give one or the other");
    }
  }
}
