package com.infrafabric.governor.pricing;

import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Spend.Fixed;
import com.infrafabric.governor.tenant.Spend.Metered;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.redis.ScriptArgs;

/**
 * A {@link Spend} turned into micro-dollars, with what the ledger records about how: the model and
 * the catalogue version (empty and 0 for a fixed amount).
 */
public record PricedSpend(long micros, String model, long pricingVersion, TokenUsage usage) {

  /**
   * Puts this spend into the argument group {@code group} (declared with the members {@link
   * TenantScripts#SPEND}), which {@code spend_of()} in {@code budget_lib.lua} reads.
   */
  public void putArgs(ScriptArgs.Values args, String group) {
    args.put(group + ".amount", micros)
        .put(group + ".input_tokens", usage.inputTokens())
        .put(group + ".cached_input_tokens", usage.cachedInputTokens())
        .put(group + ".output_tokens", usage.outputTokens())
        .put(group + ".model", model)
        .put(group + ".pricing_version", pricingVersion);
  }

  /** Prices {@code spend} with {@code catalogue}. */
  public static PricedSpend of(Spend spend, PricingCatalogue catalogue) {
    if (spend instanceof Fixed fixed) {
      return new PricedSpend(fixed.micros(), "", 0, fixed.usage());
    }
    Metered metered = (Metered) spend;
    long micros = catalogue.cost(metered.model(), metered.usage());
    return new PricedSpend(
        Money.checkAmount("cost", micros), metered.model(), catalogue.version(), metered.usage());
  }
}
