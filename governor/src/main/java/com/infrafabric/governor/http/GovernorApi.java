package com.infrafabric.governor.http;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.events.EventLog;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.platform.http.ErrorTranslator;
import com.infrafabric.platform.http.OpenApiRoute;
import com.infrafabric.platform.http.Routes;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every REST route of the governor. Roles: {@code admin} defines caps and prices, {@code agent}
 * reserves, commits and charges inside the scope subtree its token names, {@code auditor} reads.
 */
public final class GovernorApi {

  private final BudgetRoutes budgets;
  private final ReservationRoutes reservations;
  private final LedgerRoutes ledger;
  private final PricingRoutes pricing;
  private final OpenApiRoute openApi =
      OpenApiRoute.fromResource(GovernorApi.class, "/openapi/governor.json");

  public GovernorApi(
      BudgetEngine engine,
      Budgets budgets,
      Ledger ledger,
      Reconciler reconciler,
      EventLog events,
      PricingCatalogues pricing,
      MeterRegistry meters) {
    this.budgets = new BudgetRoutes(budgets);
    this.reservations = new ReservationRoutes(engine, new SpendMetrics(meters));
    this.ledger = new LedgerRoutes(ledger, reconciler, events);
    this.pricing = new PricingRoutes(pricing);
  }

  /** How governor failures are answered; the service that serves these routes must use it. */
  public ErrorTranslator errors() {
    return GovernorErrors::translate;
  }

  public void register(Routes routes) {
    budgets.register(routes);
    reservations.register(routes);
    ledger.register(routes);
    pricing.register(routes);
    openApi.register(routes);
  }
}
