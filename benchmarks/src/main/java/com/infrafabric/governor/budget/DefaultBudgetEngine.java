package com.infrafabric.governor.budget;

import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;

/**
 * The budget engine as {@code GovernorService} wires it, on {@link BudgetSettings#DEFAULTS}: the
 * one way every benchmark builds the engine it measures, so none measures other settings by
 * accident.
 *
 * @param scripts the tenant scripts the engine runs, for benchmarks that also run them raw or share
 *     them with the claim engine
 * @param engine the budget engine
 * @param budgets the budgets over that engine, to set caps before a run
 */
public record DefaultBudgetEngine(TenantScripts scripts, BudgetEngine engine, Budgets budgets) {

  /** The engine on {@code store}, reading {@code clock}, pricing from {@code pricing}. */
  public static DefaultBudgetEngine on(RedisStore store, Clock clock, PricingCatalogues pricing) {
    TenantScripts scripts = scripts(store, clock);
    BudgetEngine engine =
        new BudgetEngine(scripts, pricing, BudgetSettings.DEFAULTS, new SimpleMeterRegistry());
    return new DefaultBudgetEngine(scripts, engine, new Budgets(store, engine));
  }

  /**
   * The tenant scripts alone, keeping records as long as the defaults say, with the tenant's write
   * quota where no benchmark reaches it: a benchmark drives one tenant far harder than the default
   * quota serves.
   */
  public static TenantScripts scripts(RedisStore store, Clock clock) {
    return new TenantScripts(
        store,
        clock,
        BudgetSettings.DEFAULTS.idempotencyTtl(),
        BudgetSettings.DEFAULTS.recordRetention(),
        BudgetSettings.DEFAULTS.maxScopes(),
        BudgetSettings.RECORDS_PER_HOUR_CEILING);
  }
}
