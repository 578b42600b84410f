package com.infrafabric.governor.budget;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The charge path: reserve + commit of one LLM call through {@link BudgetEngine}, next to the same
 * two Lua functions called raw ({@code FCALL}) through the same client (the physical baseline: what
 * Redis itself costs, without the engine's validation, pricing, fingerprint and parsing).
 *
 * <p>The scope has three layers, two of them budgeted with day, month and lifetime caps, as a
 * tenant with projects and agents would. Both sides charge the same call ({@link
 * BenchmarkCall#TYPICAL}); the raw side is {@link RawChargePath}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ChargePathBenchmark {

  private static final String TENANT = "bench";
  private static final Scope SCOPE = Scope.parse("bench/project/agent");
  private static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;

  private BenchmarkRedis redis;
  private BudgetEngine engine;
  private Budgets budgets;
  private PricingCatalogues pricing;
  private RawChargePath raw;
  private final Clock clock = Clock.systemUTC();

  @Setup(Level.Trial)
  public void startRedis() {
    redis = new BenchmarkRedis();
    pricing = new PricingCatalogues(redis.store);
    TenantScripts scripts =
        new TenantScripts(
            redis.store,
            clock,
            BudgetSettings.DEFAULTS.idempotencyTtl(),
            BudgetSettings.DEFAULTS.recordRetention());
    engine = new BudgetEngine(scripts, pricing, BudgetSettings.DEFAULTS);
    budgets = new Budgets(redis.store, engine);
  }

  @Setup(Level.Iteration)
  public void freshBudgets() {
    redis.flush();
    long version = BenchmarkRedis.await(pricing.replace(List.of(CALL.model()), -1)).version();
    raw = new RawChargePath(redis.store, clock, SCOPE, CALL, version);
    java.util.Map<Window, Limit> caps =
        java.util.Map.of(
            Window.DAY, Limit.of(Money.MAX_MICROS, 50, 80),
            Window.MONTH, Limit.of(Money.MAX_MICROS),
            Window.LIFETIME, Limit.of(Money.MAX_MICROS));
    BenchmarkRedis.await(budgets.put(new Budget(Scope.parse(TENANT), caps)));
    BenchmarkRedis.await(budgets.put(new Budget(Scope.parse("bench/project"), caps)));
  }

  @TearDown(Level.Trial)
  public void stopRedis() {
    redis.close();
  }

  @Benchmark
  @Threads(1)
  public CommitResult engineReserveCommit1Thread() {
    return reserveCommit();
  }

  @Benchmark
  @Threads(16)
  public CommitResult engineReserveCommit16Threads() {
    return reserveCommit();
  }

  @Benchmark
  @Threads(1)
  public Response rawEvalsha1Thread() {
    return rawReserveCommit();
  }

  @Benchmark
  @Threads(16)
  public Response rawEvalsha16Threads() {
    return rawReserveCommit();
  }

  private CommitResult reserveCommit() {
    ReserveOutcome outcome =
        BenchmarkRedis.await(
            engine.reserve(
                new ReserveRequest(
                    SCOPE,
                    Spend.estimate(
                        CALL.model().model(), CALL.inputTokens(), CALL.maxOutputTokens()),
                    null,
                    key())));
    ReservationId id = ((ReserveOutcome.Reserved) outcome).id();
    return BenchmarkRedis.await(
        engine.commit(
            new CommitRequest(id, Spend.tokens(CALL.model().model(), CALL.used()), key())));
  }

  private Response rawReserveCommit() {
    return BenchmarkRedis.await(raw.reserveCommit());
  }

  private static IdempotencyKey key() {
    return IdempotencyKey.of(UUID.randomUUID().toString());
  }
}
