package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.DefaultBudgetEngine;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * One governor node's budget path without HTTP: its own Vert.x and Redis clients, pricing, tenant
 * scripts and budget engine, as {@code GovernorService} wires them. Several of them on one Redis
 * are several stateless governor nodes.
 */
final class EngineNode implements AutoCloseable {

  private static final ModelPrice PRICE = new ModelPrice("bench-model", 2_500_000, 0, 10_000_000);

  private final Vertx vertx = Vertx.vertx();
  private final RedisStore store;
  private final BudgetEngine engine;
  private final Budgets budgets;

  EngineNode(RedisSettings settings, Clock clock) {
    store = RedisStore.create(vertx, settings, new SimpleMeterRegistry());
    PricingCatalogues pricing = new PricingCatalogues(store);
    BenchmarkRedis.await(pricing.replace(List.of(PRICE), -1).recover(e -> pricing.refresh()));
    DefaultBudgetEngine budgetEngine = DefaultBudgetEngine.on(store, clock, pricing);
    engine = budgetEngine.engine();
    budgets = budgetEngine.budgets();
  }

  /** Puts a lifetime cap of {@code capMicros} on {@code tenant}. */
  void budget(String tenant, long capMicros) {
    BenchmarkRedis.await(
        budgets.put(
            Budget.of(Scope.parse(tenant), Window.LIFETIME, Limit.of(capMicros)), "benchmark"));
  }

  /** One reserve then commit on {@code scope}, each under its own idempotency key. */
  Future<Void> reserveCommit(Scope scope, long micros) {
    return engine
        .reserve(new ReserveRequest(scope, Spend.amount(micros), null, newKey()))
        .compose(
            outcome ->
                engine.commit(
                    new CommitRequest(
                        ((Reserved) outcome).id(), Spend.amount(micros - 1), newKey())))
        .mapEmpty();
  }

  private static IdempotencyKey newKey() {
    return IdempotencyKey.of(UUID.randomUUID().toString());
  }

  @Override
  public void close() {
    store.close();
    BenchmarkRedis.await(vertx.close());
  }
}
