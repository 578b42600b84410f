package com.infrafabric.governor.testing;

import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.ChargeRequest;
import com.infrafabric.governor.budget.ChargeResult;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.budget.ReconciliationReport;
import com.infrafabric.governor.budget.ReleaseResult;
import com.infrafabric.governor.budget.ReservationSweeper;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.budget.UsageStatus;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The governor's budget components wired to one real redis-server, with a clock the test moves.
 * Each rig hands out fresh tenant names so tests sharing a server never see each other's data.
 */
public final class GovernorRig implements AutoCloseable {

  /** gpt-test: $2.50 per million input, $1.25 cached, $10.00 output. */
  public static final ModelPrice GPT_TEST =
      new ModelPrice("gpt-test", 2_500_000, 1_250_000, 10_000_000);

  /** mini-test: $0.15 per million input, $0.075 cached, $0.60 output. */
  public static final ModelPrice MINI_TEST = new ModelPrice("mini-test", 150_000, 75_000, 600_000);

  /** {@link #GPT_TEST} as the pricing API takes it. */
  public static final JsonObject GPT_TEST_JSON =
      PricingCatalogues.toJson(List.of(GPT_TEST)).getJsonObject(0);

  private static final AtomicInteger TENANTS = new AtomicInteger();

  /** The ledger entry types of configuration changes, which {@link #ledger} leaves out. */
  public static final Set<String> CONFIGURATION_ENTRIES = Set.of("budget", "zone", "policy");

  /** The subject this rig's configuration changes name in the ledger as the one who made them. */
  public static final String ADMIN = "rig-admin";

  public final Vertx vertx;
  public final RedisStore redis;

  /** The store's command timers ({@code redis.commands}, by command or script and outcome). */
  public final SimpleMeterRegistry redisMeters = new SimpleMeterRegistry();

  public final MutableClock clock;
  public final PricingCatalogues pricing;
  public final TenantScripts scripts;
  public final BudgetEngine engine;
  public final Budgets budgets;
  public final Ledger ledger;
  public final Reconciler reconciler;
  public final ReservationSweeper sweeper;

  public GovernorRig(RedisEndpoint endpoint, MutableClock clock) {
    this(
        endpoint,
        clock,
        BudgetSettings.DEFAULTS.idempotencyTtl(),
        BudgetSettings.DEFAULTS.recordRetention());
  }

  /** A rig whose store has {@code settings} (a durability, a short command timeout). */
  public GovernorRig(RedisSettings settings, MutableClock clock) {
    this(
        settings,
        clock,
        BudgetSettings.DEFAULTS.idempotencyTtl(),
        BudgetSettings.DEFAULTS.recordRetention());
  }

  /**
   * A rig whose scripts keep idempotency records for {@code idempotencyTtl} and finished
   * reservations for {@code recordRetention}, below the service's minimums where a test needs
   * records to lapse.
   */
  public GovernorRig(
      RedisEndpoint endpoint,
      MutableClock clock,
      Duration idempotencyTtl,
      Duration recordRetention) {
    this(
        RedisSettings.of(endpoint).withCommandTimeout(GovernorServiceRig.COMMAND_TIMEOUT),
        clock,
        idempotencyTtl,
        recordRetention);
  }

  private GovernorRig(
      RedisSettings settings,
      MutableClock clock,
      Duration idempotencyTtl,
      Duration recordRetention) {
    this.vertx = Vertx.vertx();
    this.redis = RedisStore.create(vertx, settings, redisMeters);
    this.clock = clock;
    this.pricing = new PricingCatalogues(redis);
    this.scripts =
        new TenantScripts(
            redis,
            clock,
            idempotencyTtl,
            recordRetention,
            BudgetSettings.DEFAULTS.maxScopes(),
            BudgetSettings.DEFAULTS.tenantRecordsPerHour());
    this.engine =
        new BudgetEngine(scripts, pricing, BudgetSettings.DEFAULTS, new SimpleMeterRegistry());
    this.budgets = new Budgets(redis, engine);
    this.ledger = new Ledger(redis);
    this.reconciler = new Reconciler(redis, ledger, clock, new SimpleMeterRegistry());
    this.sweeper = new ReservationSweeper(redis, engine, 100, 100, new SimpleMeterRegistry());
    Await.result(pricing.replace(List.of(GPT_TEST, MINI_TEST), -1));
  }

  /** Sets a cap (and thresholds) on one window of a scope, replacing its other windows. */
  public void budget(String scope, Window window, long capMicros, Integer... thresholds) {
    Await.result(
        budgets.put(Budget.of(Scope.parse(scope), window, Limit.of(capMicros, thresholds)), ADMIN));
  }

  public ReserveOutcome reserve(String scope, long micros) {
    return reserve(scope, micros, newKey());
  }

  public ReserveOutcome reserve(String scope, long micros, IdempotencyKey key) {
    return Await.result(
        engine.reserve(new ReserveRequest(Scope.parse(scope), Spend.amount(micros), null, key)));
  }

  /** Reserves and insists it was granted. */
  public Reserved reserved(String scope, long micros) {
    ReserveOutcome outcome = reserve(scope, micros);
    if (!(outcome instanceof Reserved reserved)) {
      throw new AssertionError("expected a reservation, got " + outcome);
    }
    return reserved;
  }

  public CommitResult commit(ReservationId id, long actualMicros) {
    return Await.result(engine.commit(new CommitRequest(id, Spend.amount(actualMicros), newKey())));
  }

  public ReleaseResult release(ReservationId id) {
    return Await.result(engine.release(id, newKey()));
  }

  public ChargeResult charge(String scope, long micros) {
    return Await.result(
        engine.charge(new ChargeRequest(Scope.parse(scope), Spend.amount(micros), newKey())));
  }

  /** Usage of exactly {@code scope} (not an ancestor) in {@code window}. */
  public UsageStatus usage(String scope, Window window) {
    return Await.result(budgets.status(Scope.parse(scope))).stream()
        .filter(s -> s.scope().path().equals(scope) && s.window() == window)
        .findFirst()
        .orElseThrow();
  }

  /**
   * The tenant's ledger entries of operations on budgets (reserve, commit, charge, the claim path,
   * keys and agents), oldest first: without the configuration changes ({@code budget}, {@code
   * zone}, {@code policy}) a test's set-up leaves, which have tests of their own.
   */
  public List<LedgerEntry> ledger(String tenant) {
    return Await.result(
            ledger.page(tenant, null, Instant.EPOCH, Instant.now().plusSeconds(3600), null, 1000))
        .entries()
        .stream()
        .filter(entry -> !CONFIGURATION_ENTRIES.contains(entry.type()))
        .toList();
  }

  public ReconciliationReport reconcile(String tenant) {
    return Await.result(reconciler.reconcile(tenant));
  }

  public static IdempotencyKey newKey() {
    return IdempotencyKey.of(UUID.randomUUID().toString());
  }

  /** A tenant name no other test uses. */
  public static String freshTenant(String hint) {
    return hint + "-" + TENANTS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  }

  @Override
  public void close() {
    redis.close();
    Await.result(vertx.close());
  }
}
