package com.infrafabric.governor.http;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.claim.GrantIssuer;
import com.infrafabric.governor.claim.SignedGrants;
import com.infrafabric.governor.events.EventLog;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.spend.SpendReports;
import com.infrafabric.platform.http.ErrorTranslator;
import com.infrafabric.platform.http.OpenApiRoute;
import com.infrafabric.platform.http.Routes;
import java.util.function.Predicate;

/**
 * Every REST route of the governor. On tenant tokens, each confined to the subtree its {@code
 * scope} claim names: {@code admin} defines caps, agents and policies; {@code agent} reserves,
 * commits and charges, and heartbeats and finishes its own leases; {@code dispatcher} claims tasks;
 * {@code auditor} reads. On platform tokens (no {@code scope} claim): {@code admin} publishes
 * prices, {@code admin} and {@code auditor} scrape metrics, and {@code chassis} reserves, commits
 * and releases its tools' LLM calls on the scopes grants name, in every tenant, each reservation
 * under a grant this governor signed. Tenant {@code admin}s manage the virtual API keys of their
 * subtree, which its {@code auditor}s read, and both read its spend reports. See {@link
 * CallerScope}.
 */
public final class GovernorApi {

  private final BudgetRoutes budgets;
  private final ReservationRoutes reservations;
  private final ReservationListRoutes reservationList;
  private final LedgerRoutes ledger;
  private final PricingRoutes pricing;
  private final AgentRoutes agents;
  private final ClaimRoutes claims;
  private final KeyRoutes keys;
  private final SpendRoutes spend;
  private final OpenApiRoute openApi =
      OpenApiRoute.fromResource(GovernorApi.class, "/openapi/governor.json");

  public GovernorApi(
      BudgetEngine engine,
      Budgets budgets,
      Ledger ledger,
      Reconciler reconciler,
      EventLog events,
      PricingCatalogues pricing,
      AgentRegistry agents,
      TenantPolicies policies,
      ClaimEngine claims,
      GrantIssuer grants,
      SignedGrants signedGrants,
      VirtualKeys keys,
      Predicate<String> servedModels,
      BudgetSettings settings) {
    SpendFields spendFields = new SpendFields(settings.callLimits(), pricing);
    this.budgets = new BudgetRoutes(budgets);
    this.reservations =
        new ReservationRoutes(
            engine, spendFields, signedGrants, settings.maxReservationTtlSeconds());
    this.reservationList = new ReservationListRoutes(budgets.reservations());
    this.ledger = new LedgerRoutes(ledger, reconciler, events);
    this.pricing = new PricingRoutes(pricing);
    this.agents = new AgentRoutes(agents, claims, policies, pricing);
    this.claims = new ClaimRoutes(claims, grants, spendFields);
    this.keys = new KeyRoutes(keys, servedModels);
    this.spend = new SpendRoutes(new SpendReports(ledger));
  }

  /** How governor failures are answered; the service that serves these routes must use it. */
  public ErrorTranslator errors() {
    return GovernorErrors::translate;
  }

  public void register(Routes routes) {
    budgets.register(routes);
    reservations.register(routes);
    reservationList.register(routes);
    ledger.register(routes);
    pricing.register(routes);
    agents.register(routes);
    claims.register(routes);
    keys.register(routes);
    spend.register(routes);
    openApi.register(routes);
  }
}
