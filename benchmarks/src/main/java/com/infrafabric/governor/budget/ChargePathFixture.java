package com.infrafabric.governor.budget;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The charge path both ways on one private Redis and one client: reserve + commit of one LLM call
 * through {@link BudgetEngine}, and the same two Lua functions called raw ({@link RawChargePath},
 * the physical baseline: what Redis itself costs, without the engine's validation, pricing,
 * fingerprint and parsing).
 *
 * <p>The scope has three layers, two of them budgeted with day, month and lifetime caps, as a
 * tenant with projects and agents would. Both sides charge the same call ({@link
 * BenchmarkCall#TYPICAL}) and chain the commit onto the reservation's answer, so they make the same
 * thread hops and differ only in the engine's own work.
 */
public final class ChargePathFixture implements AutoCloseable {

  private static final String TENANT = "bench";
  private static final Scope SCOPE = Scope.parse("bench/project/agent");
  private static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;

  private final Clock clock = Clock.systemUTC();
  private final BenchmarkRedis redis = new BenchmarkRedis();
  private final PricingCatalogues pricing = new PricingCatalogues(redis.store);
  private final BudgetEngine engine;
  private final Budgets budgets;
  private RawChargePath raw;

  /** Starts a private redis-server and budgets the scope ({@link #freshBudgets}). */
  public ChargePathFixture() {
    DefaultBudgetEngine budgetEngine = DefaultBudgetEngine.on(redis.store, clock, pricing);
    engine = budgetEngine.engine();
    budgets = budgetEngine.budgets();
    freshBudgets();
  }

  /** Empties the server and budgets the scope again, so the ledger does not pile up. */
  public void freshBudgets() {
    redis.flush();
    long version = BenchmarkRedis.await(pricing.replace(List.of(CALL.model()), -1)).version();
    raw = new RawChargePath(redis.store, clock, SCOPE, CALL, version);
    Map<Window, Limit> caps =
        Map.of(
            Window.DAY, Limit.of(Money.MAX_MICROS, 50, 80),
            Window.MONTH, Limit.of(Money.MAX_MICROS),
            Window.LIFETIME, Limit.of(Money.MAX_MICROS));
    BenchmarkRedis.await(budgets.put(new Budget(Scope.parse(TENANT), caps), "benchmark"));
    BenchmarkRedis.await(budgets.put(new Budget(Scope.parse("bench/project"), caps), "benchmark"));
  }

  /**
   * Reserves through the engine, then commits from the reservation's answer ({@link
   * BenchmarkCall#reserveCommit}). Awaiting the reservation on the caller's thread first would add
   * a wake-up of that thread and a hand-off of the commit to an event loop (six more context
   * switches per pair, {@code -prof perfnorm}), which the raw side does not make.
   */
  public Future<CommitResult> engineReserveCommit() {
    return CALL.reserveCommit(engine, SCOPE, ChargePathFixture::key);
  }

  /** The same pair as two raw function calls. */
  public Future<Response> rawReserveCommit() {
    return raw.reserveCommit();
  }

  @Override
  public void close() {
    redis.close();
  }

  private static IdempotencyKey key() {
    return IdempotencyKey.of(UUID.randomUUID().toString());
  }
}
