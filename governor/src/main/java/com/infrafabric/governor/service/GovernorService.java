package com.infrafabric.governor.service;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetGauges;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.budget.ReservationSweeper;
import com.infrafabric.governor.budget.Reservations;
import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.claim.GrantIssuer;
import com.infrafabric.governor.claim.SignedGrants;
import com.infrafabric.governor.events.EventLog;
import com.infrafabric.governor.events.WebhookDispatcher;
import com.infrafabric.governor.gateway.GatewayRoutes;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.http.GovernorApi;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.ledger.LedgerArchive;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import com.infrafabric.governor.ledger.LedgerArchiver;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.registry.AgentContracts;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.http.HttpService;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governor as a running service: the budget engine behind its REST API and its LLM gateway, the
 * reservation sweeper, the pricing refresher and the webhook dispatcher, all on one shared Redis
 * client.
 *
 * <p>{@link #start} fails if Redis cannot be reached or the token keys cannot be read; {@link
 * #stop} stops accepting requests, drains those in flight and stops the background work. The Redis
 * client and Vert.x belong to the caller, who closes them after {@code stop}.
 */
public final class GovernorService {

  private static final Duration PRICING_REFRESH = Duration.ofSeconds(5);
  private static final Duration WEBHOOK_INTERVAL = Duration.ofSeconds(1);

  /**
   * How long a stop waits, after the drain, for the gateway's calls to settle: each settlement is a
   * few Redis commands, each bounded by the command timeout, so this is only a backstop. A store
   * unreachable throughout leaves calls unsettled: each is logged as an ERROR with its reservation
   * ({@link GatewayRoutes#abandonUnsettled}), which its expiry charges at its worst case; nothing
   * else keeps them for the next start. Public because every shipped stop timeout (systemd,
   * Kubernetes, Compose) must cover it after both drains.
   */
  public static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(GovernorService.class);

  private final Vertx vertx;
  private final HttpService http;

  /** How long a stop lets the gateway's calls go on before it ends them itself. */
  private final Duration cutInFlightAfter;

  private final BudgetEngine engine;
  private final Budgets budgets;
  private final PricingCatalogues pricing;
  private final ReservationSweeper sweeper;
  private final ReservationSweeper leaseSweeper;

  /** Present when a ledger archive directory is configured. */
  private final Optional<ReservationSweeper> archiver;

  private final WebhookDispatcher webhooks;
  private final ClaimEngine claims;
  private final AgentRegistry agents;
  private final VirtualKeys keys;
  private final BudgetGauges budgetGauges;
  private final GatewayRoutes gateway;
  private long pricingTimer = -1;

  private GovernorService(
      Vertx vertx,
      RedisStore redis,
      GovernorSettings settings,
      Duration idempotencyTtl,
      PrometheusMeterRegistry meters,
      Clock clock) {
    this.vertx = vertx;
    this.pricing = new PricingCatalogues(redis);
    BudgetSettings budget = settings.budget();
    TenantScripts tenantScripts =
        new TenantScripts(
            redis,
            clock,
            idempotencyTtl,
            budget.recordRetention(),
            budget.maxScopes(),
            budget.tenantRecordsPerHour());
    this.engine = new BudgetEngine(tenantScripts, pricing, budget, meters);
    this.budgets = new Budgets(redis, engine);
    this.budgetGauges = new BudgetGauges(redis, budgets, settings.budgetGauges(), meters);
    LedgerArchiveSettings archiving = settings.ledgerArchive();
    Optional<LedgerArchive> archive =
        archiving.directory().map(root -> new LedgerArchive(vertx, redis, root, clock));
    Ledger ledger = new Ledger(redis, archive.orElse(null));
    this.archiver =
        archive.map(
            a ->
                new ReservationSweeper(
                    redis,
                    100,
                    new LedgerArchiver(redis, a, archiving.age(), archiving.interval())
                        ::archiveIfLeased,
                    "ledger-archive",
                    meters));
    this.sweeper = new ReservationSweeper(redis, engine, 100, 100, meters);
    this.claims = new ClaimEngine(tenantScripts, pricing, redis, settings.claims(), meters);
    this.leaseSweeper =
        new ReservationSweeper(redis, 100, t -> claims.expireDue(t, 100), "leases", meters);
    TrustSettings keys = settings.trust();
    this.agents =
        new AgentRegistry(
            tenantScripts,
            AgentContracts.create(vertx, keys.contractsJwks(), keys.contractsIssuer(), clock),
            redis,
            meters,
            AgentRegistry.DEFAULT_MAX_AGENTS_PER_TENANT);
    this.keys =
        new VirtualKeys(
            tenantScripts,
            redis,
            SharedBuckets.create(redis, clock),
            VirtualKeys.DEFAULT_MAX_KEYS_PER_TENANT,
            settings.gateway().keyCacheTtl());
    GrantIssuer grants =
        new GrantIssuer(
            TokenMinter.load(keys.grantKey()), keys.grantIssuer(), keys.grantAudience(), clock);
    this.webhooks =
        new WebhookDispatcher(
            vertx,
            redis,
            settings.webhooks(),
            clock,
            meters,
            "governor-" + ProcessHandle.current().pid());
    GatewaySettings gatewaySettings = settings.gateway();
    this.gateway =
        new GatewayRoutes(
            vertx,
            engine,
            budgets,
            this.keys,
            pricing,
            gatewaySettings.masterKeys().map(master -> new CredentialStore(redis, master)),
            gatewaySettings,
            meters,
            clock);
    GovernorApi api =
        new GovernorApi(
            engine,
            budgets,
            ledger,
            new Reconciler(redis, ledger, clock, meters),
            new EventLog(redis),
            pricing,
            agents,
            new TenantPolicies(redis, tenantScripts),
            claims,
            grants,
            new SignedGrants(
                JwtAuthenticator.create(
                    vertx,
                    JwtSettings.of(keys.grantKey(), keys.grantIssuer(), keys.grantAudience()),
                    clock)),
            this.keys,
            gateway::callable,
            budget);
    this.cutInFlightAfter = settings.platform().http().cutInFlightAfter();
    this.http =
        settings
            .platform()
            .httpService(vertx, redis, meters, clock)
            .metricsAccess(Access.platform("admin", "auditor"))
            .readinessCheck("redis", RedisReadinessCheck.of(redis, scripts()))
            .errors(api.errors())
            .routes(
                routes -> {
                  // The router tries routes in order, a template's pattern against each path: the
                  // gateway's few fixed paths first spare every model call a hundred of them (2%
                  // of the gateway's CPU in a JFR profile), at a few string compares per API call.
                  gateway.register(routes);
                  api.register(routes);
                })
            .build();
  }

  /** Every Lua script the governor runs, loaded at start and checked by readiness. */
  public static List<LuaScript> scripts() {
    List<LuaScript> scripts = new ArrayList<>(BudgetEngine.scripts());
    scripts.addAll(PricingCatalogues.SCRIPTS);
    scripts.addAll(Reconciler.scripts());
    scripts.add(Reservations.LIST);
    scripts.addAll(ClaimEngine.scripts());
    scripts.addAll(AgentRegistry.scripts());
    scripts.addAll(VirtualKeys.scripts());
    scripts.add(TenantPolicies.script());
    return List.copyOf(scripts);
  }

  /** Loads the scripts and the pricing catalogue, starts the background work, then listens. */
  public static Future<GovernorService> start(
      Vertx vertx,
      RedisStore redis,
      GovernorSettings settings,
      PrometheusMeterRegistry meters,
      Clock clock) {
    return start(vertx, redis, settings, settings.budget().idempotencyTtl(), meters, clock);
  }

  /**
   * {@link #start} keeping idempotency records for {@code idempotencyTtl} instead of {@code
   * settings.budget().idempotencyTtl()}, which {@link BudgetSettings} holds to at least 24 hours.
   * Package-private so that no configuration reaches it: only a test hook in this package's test
   * sources calls it, for measurements that must see records lapse within minutes.
   */
  static Future<GovernorService> start(
      Vertx vertx,
      RedisStore redis,
      GovernorSettings settings,
      Duration idempotencyTtl,
      PrometheusMeterRegistry meters,
      Clock clock) {
    GovernorService service =
        new GovernorService(vertx, redis, settings, idempotencyTtl, meters, clock);
    return redis
        .load(scripts())
        .compose(ignored -> redis.deleteOtherVersions(scripts()))
        .compose(ignored -> service.pricing.refresh())
        .compose(ignored -> service.http.start())
        .map(
            ignored -> {
              service.sweeper.start(vertx, settings.sweepInterval());
              service.leaseSweeper.start(vertx, settings.sweepInterval());
              service.archiver.ifPresent(a -> a.start(vertx, settings.ledgerArchive().interval()));
              service.webhooks.start(vertx, WEBHOOK_INTERVAL);
              service.budgetGauges.start(vertx);
              service.pricingTimer =
                  vertx.setPeriodic(PRICING_REFRESH.toMillis(), id -> service.pricing.refresh());
              return service;
            });
  }

  public int port() {
    return http.port();
  }

  public List<RouteDescriptor> routes() {
    return http.routes();
  }

  public BudgetEngine engine() {
    return engine;
  }

  public Budgets budgets() {
    return budgets;
  }

  public PricingCatalogues pricing() {
    return pricing;
  }

  public ClaimEngine claims() {
    return claims;
  }

  public AgentRegistry agents() {
    return agents;
  }

  /** The virtual API keys the LLM gateway authenticates and rate-limits callers with. */
  public VirtualKeys keys() {
    return keys;
  }

  /** The bounded gauges of remaining budget per scope and window. */
  public BudgetGauges budgetGauges() {
    return budgetGauges;
  }

  /**
   * Reports not ready from now on, while still serving: a load balancer sends new requests
   * elsewhere, and what another service's drain needs of this one (the chassis's settlements of its
   * model calls) is still served until {@link #stop}.
   */
  public void drain() {
    http.drain();
  }

  /**
   * Reports not ready, stops accepting, drains in-flight requests for up to {@code
   * http.shutdownGrace} (just before it ends the gateway cuts the streams still live, each with its
   * dialect's error event, and answers the calls still waiting on a provider 503 {@code
   * GATEWAY_SHUTTING_DOWN}), cuts the gateway's calls still with a provider, waits until every
   * gateway call is settled (committed or released in Redis), then stops the background work. The
   * Redis client must stay open until the returned future completes.
   */
  public Future<Void> stop() {
    gateway.stopping(cutInFlightAfter);
    return http.stop()
        .eventually(this::settleGateway)
        .eventually(
            () -> {
              sweeper.stop(vertx);
              leaseSweeper.stop(vertx);
              archiver.ifPresent(a -> a.stop(vertx));
              budgetGauges.stop(vertx);
              if (pricingTimer >= 0) {
                vertx.cancelTimer(pricingTimer);
              }
              return webhooks.stop(vertx);
            });
  }

  private Future<Void> settleGateway() {
    return gateway
        .stop()
        .timeout(SETTLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            late -> {
              int abandoned = gateway.abandonUnsettled();
              LOG.atError()
                  .log(
                      "{} gateway calls were still unsettled {} s after the drain, each logged"
                          + " with its reservation: their reservations' expiries charge each its"
                          + " worst case",
                      abandoned,
                      SETTLE_TIMEOUT.toSeconds());
              return Future.succeededFuture();
            });
  }
}
