package com.infrafabric.governor.claim;

import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.DefaultBudgetEngine;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentContracts;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The claim path: claim a task (rank the candidates, hold the budget, take a slot, start the lease)
 * and complete it (commit the spend, free the slot, move reputation), through {@link ClaimEngine},
 * with {@code agents} registered over 50 capabilities. Run it next to {@code ChargePathBenchmark}
 * in one JMH invocation to compare with reserve + commit.
 *
 * <p>Each agent holds 3 of the 50 capabilities (about {@code agents * 3 / 50} per capability index)
 * and 4 slots; each task requires 2 random capabilities and the tenant's minimum match is one of
 * them, so candidates come from two indexes and rank by match, reputation and cost. Agents are
 * registered once per trial through signed contracts, as in production; tasks, leases and ledger
 * entries accumulate across iterations (a real tenant's do too).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ClaimPathBenchmark {

  private static final String TENANT = "bench";
  private static final String ISSUER = "https://operator.bench";
  private static final Scope SCOPE = Scope.parse("bench/project");
  private static final int CAPABILITIES = 50;
  private static final int REGISTRATIONS_IN_FLIGHT = 64;

  @Param({"100", "1000", "10000"})
  public int agents;

  private final Clock clock = Clock.systemUTC();
  private final AtomicLong tasks = new AtomicLong();
  private BenchmarkRedis redis;
  private Path keyDirectory;
  private ClaimEngine claims;

  @Setup(Level.Trial)
  public void registerAgents() throws IOException {
    redis = new BenchmarkRedis();
    PricingCatalogues pricing = new PricingCatalogues(redis.store);
    BenchmarkRedis.await(
        pricing.replace(List.of(new ModelPrice("bench-model", 2_500_000, 0, 10_000_000)), -1));
    DefaultBudgetEngine budgetEngine = DefaultBudgetEngine.on(redis.store, clock, pricing);
    TenantScripts scripts = budgetEngine.scripts();
    Map<Window, Limit> caps =
        Map.of(Window.DAY, Limit.of(Money.MAX_MICROS), Window.LIFETIME, Limit.of(Money.MAX_MICROS));
    BenchmarkRedis.await(
        budgetEngine.budgets().put(new Budget(Scope.parse(TENANT), caps), "benchmark"));
    BenchmarkRedis.await(
        new TenantPolicies(redis.store, scripts)
            .put(TENANT, TenantPolicy.builder().minMatchPermille(500).build(), "benchmark"));

    SigningKeyPair operator = SigningKeyPair.generate("ES256");
    keyDirectory = Files.createTempDirectory("claim-bench-keys");
    Path jwks = keyDirectory.resolve("jwks.json");
    Files.writeString(jwks, operator.publicJwks());
    AgentRegistry registry =
        new AgentRegistry(
            scripts,
            AgentContracts.create(redis.vertx, jwks, ISSUER, clock),
            redis.store,
            new SimpleMeterRegistry(),
            AgentRegistry.DEFAULT_MAX_AGENTS_PER_TENANT);
    register(registry, TokenMinter.fromPrivateJwks(operator.privateJwks()));
    claims =
        new ClaimEngine(
            scripts, pricing, redis.store, ClaimSettings.DEFAULTS, new SimpleMeterRegistry());
  }

  @TearDown(Level.Trial)
  public void stopRedis() throws IOException {
    redis.close();
    Files.deleteIfExists(keyDirectory.resolve("jwks.json"));
    Files.deleteIfExists(keyDirectory);
  }

  @Benchmark
  @Threads(1)
  public FinishResult claimComplete1Thread() {
    return claimComplete();
  }

  @Benchmark
  @Threads(16)
  public FinishResult claimComplete16Threads() {
    return claimComplete();
  }

  private FinishResult claimComplete() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int first = random.nextInt(CAPABILITIES);
    int second = (first + 1 + random.nextInt(CAPABILITIES - 1)) % CAPABILITIES;
    TaskSpec task =
        new TaskSpec(
            "task-" + tasks.incrementAndGet(),
            SCOPE,
            CapabilitySet.of(Map.of("c" + first, 1, "c" + second, 1)),
            1_000_000,
            3);
    ClaimOutcome outcome = BenchmarkRedis.await(claims.claim(new ClaimRequest(task, key())));
    if (!(outcome instanceof Claimed claimed)) {
      throw new IllegalStateException("the benchmark expects every claim to succeed: " + outcome);
    }
    return BenchmarkRedis.await(
        claims.finish(
            new FinishRequest(
                claimed.lease(),
                claimed.agentId(),
                TaskOutcome.SUCCEEDED,
                Spend.amount(claimed.reservedMicros() - 100),
                Optional.of(Duration.ofMillis(200)),
                key())));
  }

  /** Agent i holds capabilities i, i+17 and i+34 (mod 50), so every index gets agents * 3 / 50. */
  private void register(AgentRegistry registry, TokenMinter operator) {
    List<Future<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      Map<String, Integer> capabilities =
          Map.of(
              "c" + i % CAPABILITIES,
              1 + i % 3,
              "c" + (i + 17) % CAPABILITIES,
              1,
              "c" + (i + 34) % CAPABILITIES,
              2);
      AgentContract contract =
          new AgentContract(
              "agent-" + i,
              TENANT,
              CapabilitySet.of(capabilities),
              "bench-model",
              1_000 + (i % 97) * 10,
              4,
              Duration.ofSeconds(1),
              1);
      String signed =
          operator.mint(contract.toTokenSpec(ISSUER, Duration.ofHours(1)), clock.instant());
      inFlight.add(registry.register(signed, "benchmark"));
      if (inFlight.size() == REGISTRATIONS_IN_FLIGHT) {
        BenchmarkRedis.await(Future.all(inFlight));
        inFlight.clear();
      }
    }
    BenchmarkRedis.await(Future.all(inFlight));
  }

  private static IdempotencyKey key() {
    return IdempotencyKey.of(UUID.randomUUID().toString());
  }
}
