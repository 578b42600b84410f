package com.infrafabric.governor.tenant;

import com.infrafabric.wire.reservation.ReservationWire;
import java.util.Objects;

/**
 * What an operation costs, as the caller knows it: a fixed amount, or tokens on a model that the
 * pricing catalogue turns into an amount.
 */
public sealed interface Spend {

  /** A known amount in micro-dollars, with the tokens it covered if the caller knows them. */
  static Spend amount(long micros) {
    return new Fixed(Money.checkAmount(ReservationWire.AMOUNT_MICROS, micros), TokenUsage.NONE);
  }

  /** Tokens on a model, priced by the current catalogue (rounded up to the micro-dollar). */
  static Spend tokens(String model, TokenUsage usage) {
    return new Metered(model, usage);
  }

  /**
   * The worst case of a call before it runs: every input token uncached and every allowed output
   * token used.
   */
  static Spend estimate(String model, long inputTokens, long maxOutputTokens) {
    TokenUsage.check(ReservationWire.MAX_OUTPUT_TOKENS, maxOutputTokens);
    return new Metered(model, new TokenUsage(inputTokens, 0, maxOutputTokens));
  }

  /** A fixed amount. */
  record Fixed(long micros, TokenUsage usage) implements Spend {
    public Fixed {
      Money.checkAmount(ReservationWire.AMOUNT_MICROS, micros);
      Objects.requireNonNull(usage, "usage");
    }
  }

  /** Tokens on a model. */
  record Metered(String model, TokenUsage usage) implements Spend {
    public Metered {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(usage, "usage");
    }
  }
}
