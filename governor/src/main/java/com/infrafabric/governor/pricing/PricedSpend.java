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
   * The pricing version of tokens the current catalogue could not price (it does not list their
   * model): sent to settle a reservation, whose script names the version to price them at.
   */
  public static final long UNPRICED = -1;

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

  /**
   * Prices {@code spend} with {@code catalogue}, or returns it {@link #UNPRICED} (costing 0) if it
   * is tokens on a model the catalogue does not list: to settle a reservation, which may have been
   * priced at a version that lists it.
   *
   * @throws com.infrafabric.governor.GovernorException as {@link #of} for anything else
   */
  public static PricedSpend ofOrUnpriced(Spend spend, PricingCatalogue catalogue) {
    if (spend instanceof Metered metered
        && !catalogue.lists(metered.model())
        && ModelPrice.isValidName(metered.model())) {
      return new PricedSpend(0, metered.model(), UNPRICED, metered.usage());
    }
    return of(spend, catalogue);
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
