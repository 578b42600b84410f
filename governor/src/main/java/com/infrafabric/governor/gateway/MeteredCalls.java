package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.ReservationHolder;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.llm.vault.CredentialStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What every gateway call shares: the budget engine it reserves and settles with, the budgets its
 * answers state ({@link BudgetHeaders}), the virtual keys whose per-minute limits admit it, the
 * pricing that bounds its worst case, the router to its providers, the vault holding their keys and
 * each tenant's share of the providers' connections. Each call runs as one {@link MeteredCall}.
 * Thread-safe.
 */
final class MeteredCalls {

  /**
   * The holder of every gateway call's reservation: the gateway alone settles it, never a token of
   * the subtree it is charged to (the caller's included), so no one can end a hold, uncharged,
   * while its call is with the provider.
   */
  static final ReservationHolder HOLDER = ReservationHolder.service("gateway");

  final Vertx vertx;
  final BudgetEngine engine;
  final Budgets budgets;
  final VirtualKeys keys;
  final Supplier<PricingCatalogue> pricing;
  final ModelRouter router;
  final Optional<CredentialStore> vault;
  final GatewaySettings settings;
  final Clock clock;
  final UpstreamShares shares = new UpstreamShares();
  final LiveCalls live = new LiveCalls();

  /** Each call from its reservation until the store answered its commit or release. */
  private final Map<Future<Void>, Supplier<UnsettledCall>> unsettled = new ConcurrentHashMap<>();

  MeteredCalls(
      Vertx vertx,
      BudgetEngine engine,
      Budgets budgets,
      VirtualKeys keys,
      Supplier<PricingCatalogue> pricing,
      ModelRouter router,
      Optional<CredentialStore> vault,
      GatewaySettings settings,
      Clock clock) {
    this.vertx = vertx;
    this.engine = engine;
    this.budgets = budgets;
    this.keys = keys;
    this.pricing = pricing;
    this.router = router;
    this.vault = vault;
    this.settings = settings;
    this.clock = clock;
  }

  /** Runs the call {@code ctx} carries, in {@code wire}'s format; answers or fails {@code ctx}. */
  void handle(RoutingContext ctx, Wire wire) {
    new MeteredCall(this, ctx, wire).run();
  }

  /**
   * Holds {@code settled}, a call's end of its reservation, among the unsettled until it ends;
   * {@code call} says which call it is.
   */
  void unsettled(Future<Void> settled, Supplier<UnsettledCall> call) {
    unsettled.put(settled, call);
    settled.onComplete(done -> unsettled.remove(settled));
  }

  /** The calls not settled yet. */
  List<UnsettledCall> stillUnsettled() {
    return unsettled.values().stream().map(Supplier::get).toList();
  }

  /**
   * Completes once every call reserved so far has settled (its commit or release answered, or given
   * up); never fails. A call still with its provider settles when its client or its provider goes
   * ({@link ModelRouter#close()}).
   */
  Future<Void> settled() {
    return Future.join(List.copyOf(unsettled.keySet())).transform(all -> Future.succeededFuture());
  }
}
