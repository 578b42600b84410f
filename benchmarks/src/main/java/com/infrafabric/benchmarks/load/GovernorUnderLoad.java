package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.benchmarks.TempDirectory;
import com.infrafabric.governor.budget.BudgetGaugeSettings;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.governor.service.IdempotencyBelowFloor;
import com.infrafabric.governor.service.TrustSettings;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.config.PlatformSettings;
import com.infrafabric.platform.http.AdmissionSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.metrics.ServiceMeters;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The governor service configured as production runs it, on a private redis-server (AOF, fsync
 * every second) and a free loopback port: ES256 bearer tokens checked against a key made for this
 * run, per-principal rate limits kept in Redis, the default HTTP bounds (the admission limit's may
 * be given), budget settings and Redis command timeout. The rate limit and the tenant's write quota
 * ({@code budget.tenantRecordsPerHour}) are set where no run reaches them, so they cost what they
 * cost but never refuse. The service runs on the Redis client's Vert.x instance, not the load
 * generator's.
 */
final class GovernorUnderLoad implements AutoCloseable {

  private static final String ISSUER = "infrafabric-load";
  private static final String AUDIENCE = "infrafabric";
  private static final Duration TOKEN_TTL = Duration.ofHours(1);
  private static final RateLimit NEVER_REACHED = RateLimit.perMinute(1_000_000_000);
  private static final int REGISTRATIONS_IN_FLIGHT = 64;

  private final BenchmarkRedis redis;

  /** The tokens' and grants' keys, and the ledger archive if there is one. */
  private final TempDirectory keys;

  private final TokenMinter minter;
  private final Clock clock;
  private final GovernorService service;
  private final PrometheusMeterRegistry meters = ServiceMeters.create();

  private GovernorUnderLoad(
      BenchmarkRedis redis,
      TempDirectory keys,
      Clock clock,
      AdmissionSettings admission,
      GatewaySettings gateway,
      Optional<Retention> retention) {
    this.redis = redis;
    this.keys = keys;
    this.clock = clock;
    SigningKeyPair pair = SigningKeyPair.generate("ES256");
    Path jwks = keys.path().resolve("jwks.json");
    pair.write(keys.path().resolve("signing-private.json"), jwks);
    this.minter = TokenMinter.fromPrivateJwks(pair.privateJwks());
    GovernorSettings settings =
        new GovernorSettings(
            new PlatformSettings(
                HttpSettings.defaults().withPort(0).withAdmission(admission),
                JwtSettings.of(jwks, ISSUER, AUDIENCE),
                RateLimitPolicy.uniform("governor", NEVER_REACHED),
                Optional.empty()),
            retention
                .map(Retention::budget)
                .orElse(
                    BudgetSettings.DEFAULTS.withTenantRecordsPerHour(
                        BudgetSettings.RECORDS_PER_HOUR_CEILING)),
            ClaimSettings.DEFAULTS,
            Duration.ofSeconds(1),
            RedisSettings.DEFAULT_COMMAND_TIMEOUT,
            RedisSettings.Durability.ACKNOWLEDGED,
            RedisSettings.Persistence.APPEND_ONLY,
            WebhookSettings.NONE,
            grantKeys(keys.path(), jwks),
            retention.map(r -> r.archive(archiveDirectory())).orElse(LedgerArchiveSettings.OFF),
            BudgetGaugeSettings.DEFAULTS,
            gateway);
    this.service =
        retention
            .map(
                r ->
                    IdempotencyBelowFloor.start(
                        redis.vertx, redis.store, settings, r.idempotencyTtl(), meters, clock))
            .orElseGet(
                () -> GovernorService.start(redis.vertx, redis.store, settings, meters, clock))
            .await();
  }

  /**
   * The claim path's keys, which the charge path never uses but the service needs to start: agent
   * contracts trusted from the token JWKS, and a fresh grant signing key.
   */
  private static TrustSettings grantKeys(Path directory, Path jwks) {
    Path grantKey = directory.resolve("grant-private.json");
    SigningKeyPair.generate("ES256").write(grantKey, directory.resolve("grant-jwks.json"));
    return new TrustSettings(
        jwks,
        ISSUER,
        grantKey,
        TrustSettings.DEFAULT_GRANT_ISSUER,
        TrustSettings.DEFAULT_GRANT_AUDIENCE);
  }

  /** Starts Redis, then the service with the default admission limit; blocks until it listens. */
  static GovernorUnderLoad start(Clock clock) {
    return start(clock, AdmissionSettings.defaults(), GatewaySettings.NONE);
  }

  /**
   * Starts Redis, then the service with the default admission limit, keeping what reserve and
   * commit leave for {@code retention}: idempotency records below the production floor of 24 hours
   * through the governor's test hook ({@link IdempotencyBelowFloor}), reservation records through
   * {@code budget.recordRetention}, and the ledger archive on at its age and interval into {@link
   * #archiveDirectory()}. Blocks until it listens.
   */
  static GovernorUnderLoad start(Clock clock, Retention retention) {
    return start(clock, AdmissionSettings.defaults(), GatewaySettings.NONE, Optional.of(retention));
  }

  /**
   * Starts Redis, then the service with {@code admission} and its LLM gateway calling {@code
   * gateway}'s providers; blocks until it listens.
   */
  static GovernorUnderLoad start(
      Clock clock, AdmissionSettings admission, GatewaySettings gateway) {
    return start(clock, admission, gateway, Optional.empty());
  }

  private static GovernorUnderLoad start(
      Clock clock,
      AdmissionSettings admission,
      GatewaySettings gateway,
      Optional<Retention> retention) {
    BenchmarkRedis redis = new BenchmarkRedis();
    TempDirectory keys = TempDirectory.create("infrafabric-load-");
    try {
      return new GovernorUnderLoad(redis, keys, clock, admission, gateway, retention);
    } catch (RuntimeException e) {
      keys.close();
      redis.close();
      throw e;
    }
  }

  int port() {
    return service.port();
  }

  /** Replaces the pricing catalogue; blocks until done. */
  void prices(List<ModelPrice> prices) {
    service.pricing().replace(prices, -1).await();
  }

  /** The service's own Redis client, for the raw baseline. */
  RedisStore store() {
    return redis.store;
  }

  /** A context on the service's Vert.x instance, to drive the raw baseline from. */
  Context redisContext() {
    return redis.vertx.getOrCreateContext();
  }

  /** Where a phase's time went in the service and its Redis client, with the generator's loop. */
  WhereTimeGoes whereTimeGoes(long generatorThread) {
    return new WhereTimeGoes(
        List.of(meters, redis.meters), generatorThread, this::redisMainThreadCpuMicros);
  }

  /** Deletes every key, so the next phase starts on an empty store; blocks until done. */
  void emptyStore() {
    redis.flush();
  }

  /** The {@code redis_version} the server reports. */
  String redisVersion() {
    return info("server")
        .lines()
        .filter(line -> line.startsWith("redis_version:"))
        .map(line -> line.substring("redis_version:".length()))
        .findFirst()
        .orElse("unknown");
  }

  /** Zeroes Redis's command statistics ({@code CONFIG RESETSTAT}); blocks until done. */
  void resetCommandStats() {
    redis.store.send(Request.cmd(Command.CONFIG).arg("RESETSTAT")).await();
  }

  /**
   * CPU time Redis's main thread has used since it started, in microseconds ({@code INFO cpu}):
   * what its work cost, which a busy machine does not inflate as it inflates wall-clock time.
   */
  long redisMainThreadCpuMicros() {
    double seconds =
        info("cpu")
            .lines()
            .filter(line -> line.matches("used_cpu_(sys|user)_main_thread:.*"))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()))
            .sum();
    return Math.round(seconds * 1e6);
  }

  /** What Redis ran since the last reset, by command. */
  CommandStats commandStats() {
    return CommandStats.parse(info("commandstats"));
  }

  /** The {@code INFO} section {@code section}. */
  String info(String section) {
    return redis.store.send(Request.cmd(Command.INFO).arg(section)).await().toString();
  }

  /** Keys in the store ({@code DBSIZE}). */
  long dbSize() {
    return redis.store.send(Request.cmd(Command.DBSIZE)).await().toLong();
  }

  /** Members of the sorted set {@code key} ({@code ZCARD}; 0 if there is none). */
  long sortedSetSize(String key) {
    return redis.store.send(Request.cmd(Command.ZCARD).arg(key)).await().toLong();
  }

  /** Entries in the stream {@code key} ({@code XLEN}; 0 if there is none). */
  long streamLength(String key) {
    return redis.store.send(Request.cmd(Command.XLEN).arg(key)).await().toLong();
  }

  /** Where the ledger archive writes its segments, when {@link Retention} turned it on. */
  Path archiveDirectory() {
    return keys.path().resolve("ledger-archive");
  }

  /**
   * Registers {@code count} agents of {@code tenant} through signed contracts, in process (this is
   * set-up, not load): agent {@code i} runs on {@code model} and holds capabilities {@code i},
   * {@code i+17} and {@code i+34} modulo {@link HttpClaimPath#CAPABILITIES}, so every capability is
   * held by about {@code count * 3 / 50} agents, with costs spread so ranking has work to do.
   * Blocks.
   */
  void registerAgents(String tenant, int count, String model) {
    List<Future<?>> inFlight = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inFlight.add(service.agents().register(contract(tenant, i, model), "benchmark"));
      if (inFlight.size() == REGISTRATIONS_IN_FLIGHT) {
        Future.all(inFlight).await();
        inFlight.clear();
      }
    }
    Future.all(inFlight).await();
  }

  private String contract(String tenant, int i, String model) {
    int n = HttpClaimPath.CAPABILITIES;
    AgentContract contract =
        new AgentContract(
            "agent-" + i,
            tenant,
            CapabilitySet.of(
                Map.of("c" + i % n, 1 + i % 3, "c" + (i + 17) % n, 1, "c" + (i + 34) % n, 2)),
            model,
            1_000 + (i % 97) * 10,
            4,
            Duration.ofSeconds(1),
            1);
    return minter.mint(contract.toTokenSpec(ISSUER, TOKEN_TTL), clock.instant());
  }

  /** A token for a dispatcher of {@code scope}, who claims tasks and finishes their leases. */
  String dispatcher(String scope) {
    return minter.mint(
        spec("load-dispatcher").withRoles("dispatcher").withScope(scope), clock.instant());
  }

  /** A platform admin's token: it sets prices, and has no power inside a tenant. */
  String admin() {
    return minter.mint(spec("load-admin").withRoles("admin"), clock.instant());
  }

  /** A token for the admin of {@code tenant}, who sets its budgets. */
  String admin(String tenant) {
    return minter.mint(spec("load-admin").withRoles("admin").withScope(tenant), clock.instant());
  }

  /** A token for agent {@code subject}, confined to {@code scope}. */
  String agent(String subject, String scope) {
    return minter.mint(spec(subject).withRoles("agent").withScope(scope), clock.instant());
  }

  private static TokenSpec spec(String subject) {
    return TokenSpec.of(subject, ISSUER, AUDIENCE, TOKEN_TTL);
  }

  /** Stops the service (draining requests in flight), then Redis; deletes the keys. */
  @Override
  public void close() {
    try {
      service.stop().await();
    } finally {
      redis.close();
      keys.close();
    }
  }
}
