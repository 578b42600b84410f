package com.infrafabric.governor.budget;

import com.infrafabric.governor.budget.Spend.Fixed;
import com.infrafabric.governor.budget.Spend.Metered;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.pricing.TokenUsage;
import java.util.List;

/**
 * A {@link Spend} turned into micro-dollars, with what the ledger records about how: the model and
 * the catalogue version (empty and 0 for a fixed amount).
 */
record PricedSpend(long micros, String model, long pricingVersion, TokenUsage usage) {

  /**
   * The six script arguments {@code spend_at()} in {@code budget_lib.lua} reads: amount, input,
   * cached input and output tokens, model, pricing version.
   */
  List<String> args() {
    return List.of(
        Long.toString(micros),
        Long.toString(usage.inputTokens()),
        Long.toString(usage.cachedInputTokens()),
        Long.toString(usage.outputTokens()),
        model,
        Long.toString(pricingVersion));
  }

  static PricedSpend of(Spend spend, PricingCatalogue catalogue) {
    if (spend instanceof Fixed fixed) {
      return new PricedSpend(fixed.micros(), "", 0, fixed.usage());
    }
    Metered metered = (Metered) spend;
    long micros = catalogue.cost(metered.model(), metered.usage());
    return new PricedSpend(
        Money.checkAmount("cost", micros), metered.model(), catalogue.version(), metered.usage());
  }
}
