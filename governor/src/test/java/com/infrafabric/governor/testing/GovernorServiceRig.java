package com.infrafabric.governor.testing;

import com.infrafabric.governor.budget.BudgetGaugeSettings;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.governor.service.IdempotencyBelowFloor;
import com.infrafabric.governor.service.TrustSettings;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.config.PlatformSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.metrics.ServiceMeters;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.scope.ScopeGrammar;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The governor service running on a real redis-server and a free port, with tokens for every role
 * and a client that speaks its JSON.
 */
public final class GovernorServiceRig implements AutoCloseable {

  /**
   * The fail-closed bound in tests: long enough that a loaded 2-core CI machine does not turn slow
   * commands into 503s, short enough that a dead Redis is noticed quickly.
   */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** A bucket no test empties. */
  private static final RateLimitPolicy UNLIMITED =
      RateLimitPolicy.uniform("governor", RateLimit.perMinute(1_000_000));

  /** Where the rig's clock starts unless a test asks otherwise. */
  private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

  /**
   * The gateway of a rig that names none: the offline provider serving the models the tests' keys
   * name, with {@link GatewaySettings#NONE}'s bounds.
   */
  public static final GatewaySettings OFFLINE_GATEWAY =
      new GatewaySettings(
          List.of(ProviderSettings.offline(List.of("gpt-test", "mini-test"))),
          Map.of(),
          Optional.empty(),
          GatewaySettings.NONE.defaultMaxOutputTokens(),
          GatewaySettings.NONE.maxOutputTokens(),
          GatewaySettings.NONE.maxStreamDuration(),
          GatewaySettings.NONE.maxAnswerBytes(),
          GatewaySettings.NONE.applyDowngrades(),
          GatewaySettings.NONE.keyCacheTtl(),
          GatewaySettings.NONE.allowedAnthropicBetas(),
          GatewaySettings.NONE.answerWait());

  public final Vertx vertx;
  public final RedisStore redis;
  public final MutableClock clock;
  public final TestTokens tokens;
  public final PrometheusMeterRegistry meters;
  public final GovernorService service;
  public final HttpTestClient http;

  /** The private JWK set the service signs grants with. */
  private final Path grantKey;

  public GovernorServiceRig(RedisEndpoint endpoint, Path directory, WebhookSettings webhooks) {
    this(endpoint, directory, webhooks, HttpSettings.defaults().withPort(0));
  }

  public GovernorServiceRig(
      RedisEndpoint endpoint, Path directory, WebhookSettings webhooks, HttpSettings http) {
    this(endpoint, directory, webhooks, http, OFFLINE_GATEWAY);
  }

  /** A governor whose LLM gateway calls the providers {@code gateway} names. */
  public GovernorServiceRig(
      RedisEndpoint endpoint,
      Path directory,
      WebhookSettings webhooks,
      HttpSettings http,
      GatewaySettings gateway) {
    this(
        endpoint,
        directory,
        webhooks,
        http,
        gateway,
        GovernorService::start,
        START,
        UNLIMITED,
        BudgetSettings.DEFAULTS);
  }

  /**
   * A governor whose clock starts at {@code start}: at the real present where a test reads the
   * ledger by time, since its stream ids carry Redis's real clock.
   */
  public GovernorServiceRig(RedisEndpoint endpoint, Path directory, Instant start) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0),
        OFFLINE_GATEWAY,
        GovernorService::start,
        start,
        UNLIMITED,
        BudgetSettings.DEFAULTS);
  }

  /**
   * A governor whose LLM gateway calls the providers {@code gateway} names, with its clock starting
   * at {@code start} (the real present, for a test that reads the ledger by time).
   */
  public GovernorServiceRig(
      RedisEndpoint endpoint, Path directory, GatewaySettings gateway, Instant start) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0),
        gateway,
        GovernorService::start,
        start,
        UNLIMITED,
        BudgetSettings.DEFAULTS);
  }

  /**
   * A governor serving with {@code http}'s settings (its shutdown grace, say) whose LLM gateway
   * calls the providers {@code gateway} names, its clock starting at {@code start}.
   */
  public GovernorServiceRig(
      RedisEndpoint endpoint,
      Path directory,
      HttpSettings http,
      GatewaySettings gateway,
      Instant start) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        http,
        gateway,
        GovernorService::start,
        start,
        UNLIMITED,
        BudgetSettings.DEFAULTS);
  }

  /**
   * A governor keeping idempotency records for {@code idempotencyTtl}, below the floor of 24 hours
   * if asked ({@link IdempotencyBelowFloor}).
   */
  public GovernorServiceRig(RedisEndpoint endpoint, Path directory, Duration idempotencyTtl) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0),
        OFFLINE_GATEWAY,
        (vertx, redis, settings, meters, clock) ->
            IdempotencyBelowFloor.start(vertx, redis, settings, idempotencyTtl, meters, clock),
        START,
        UNLIMITED,
        BudgetSettings.DEFAULTS);
  }

  /**
   * A governor whose callers are held to {@code limits}: the rate limiter's buckets refill on the
   * rig's clock, which moves only when a test moves it.
   */
  public GovernorServiceRig(RedisEndpoint endpoint, Path directory, RateLimitPolicy limits) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0),
        OFFLINE_GATEWAY,
        GovernorService::start,
        START,
        limits,
        BudgetSettings.DEFAULTS);
  }

  /** A governor with {@code budget}'s settings (a small write quota, say). */
  public GovernorServiceRig(RedisEndpoint endpoint, Path directory, BudgetSettings budget) {
    this(
        endpoint,
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0),
        OFFLINE_GATEWAY,
        GovernorService::start,
        START,
        UNLIMITED,
        budget);
  }

  private GovernorServiceRig(
      RedisEndpoint endpoint,
      Path directory,
      WebhookSettings webhooks,
      HttpSettings http,
      GatewaySettings gateway,
      Starter starter,
      Instant start,
      RateLimitPolicy limits,
      BudgetSettings budget) {
    this.vertx = Vertx.vertx();
    this.clock = MutableClock.at(start);
    this.grantKey = grantKey(directory);
    this.tokens = TestTokens.create(directory, clock);
    this.meters = ServiceMeters.create();
    this.redis =
        RedisStore.create(
            vertx, RedisSettings.of(endpoint).withCommandTimeout(COMMAND_TIMEOUT), meters);
    GovernorSettings settings =
        new GovernorSettings(
            new PlatformSettings(http, tokens.settings(), limits, Optional.empty()),
            budget,
            ClaimSettings.DEFAULTS,
            Duration.ofSeconds(1),
            COMMAND_TIMEOUT,
            RedisSettings.Durability.ACKNOWLEDGED,
            RedisSettings.Persistence.APPEND_ONLY,
            webhooks,
            new TrustSettings(
                tokens.jwksFile(),
                TestTokens.ISSUER,
                grantKey,
                TrustSettings.DEFAULT_GRANT_ISSUER,
                TrustSettings.DEFAULT_GRANT_AUDIENCE),
            LedgerArchiveSettings.OFF,
            BudgetGaugeSettings.DEFAULTS,
            gateway);
    this.service = Await.result(starter.start(vertx, redis, settings, meters, clock));
    this.http = new HttpTestClient(service.port());
    Await.result(
        service
            .pricing()
            .replace(List.of(GovernorRig.GPT_TEST, GovernorRig.MINI_TEST, cheap()), -1));
  }

  /** How the rig starts the service: {@link GovernorService#start} or a hook around it. */
  @FunctionalInterface
  private interface Starter {
    Future<GovernorService> start(
        Vertx vertx,
        RedisStore redis,
        GovernorSettings settings,
        PrometheusMeterRegistry meters,
        Clock clock);
  }

  /** A fresh grant signing key in {@code directory}; its public half is {@code grant-jwks.json}. */
  private static Path grantKey(Path directory) {
    Path key = directory.resolve("grant-private.json");
    SigningKeyPair.generate("ES256").write(key, directory.resolve("grant-jwks.json"));
    return key;
  }

  private static ModelPrice cheap() {
    return new ModelPrice("free-test", 0, 0, 0);
  }

  /** A platform admin: the pricing catalogue and metrics, and no power inside any tenant. */
  public String admin() {
    return tokens.valid("ops-admin", "admin");
  }

  /** An admin of the whole of {@code tenant}. */
  public String admin(String tenant) {
    return tokens.mint(tokens.spec("ops-admin", "admin").withScope(tenant));
  }

  /** A platform auditor: metrics, and no power inside any tenant. */
  public String auditor() {
    return tokens.valid("ops-auditor", "auditor");
  }

  /** An auditor of the whole of {@code tenant}. */
  public String auditor(String tenant) {
    return tokens.mint(tokens.spec("ops-auditor", "auditor").withScope(tenant));
  }

  /**
   * A grant as the claim path signs one, with budget scope {@code scope} and cost cap {@code
   * costCapMicros}, for a fresh task of its tenant claimed by a fresh agent, valid until {@code
   * expiresAt}; {@link #signed} makes its token.
   */
  public static Grant grant(String scope, long costCapMicros, Instant expiresAt) {
    String tenant = ScopeGrammar.tenantOf(scope);
    String lease = tenant + "/task-" + UUID.randomUUID() + "#1";
    return new Grant(
        "grant:" + lease,
        "agent-" + UUID.randomUUID(),
        tenant,
        lease,
        scope,
        Set.of(),
        Set.of("llm"),
        Set.of(),
        Set.of(GovernorRig.GPT_TEST.model()),
        costCapMicros,
        1,
        expiresAt);
  }

  /** A grant on {@code scope} with cost cap {@code costCapMicros}, valid for an hour, signed. */
  public String grant(String scope, long costCapMicros) {
    return signed(grant(scope, costCapMicros, clock.instant().plus(Duration.ofHours(1))));
  }

  /** {@code grant} signed with the service's grant key now, as the claim path signs it. */
  public String signed(Grant grant) {
    return signed(grant, clock);
  }

  /** {@code grant} signed with the service's grant key at {@code signedAt}'s time. */
  public String signed(Grant grant, Clock signedAt) {
    return GrantTokens.sign(
        TokenMinter.load(grantKey),
        TrustSettings.DEFAULT_GRANT_ISSUER,
        TrustSettings.DEFAULT_GRANT_AUDIENCE,
        grant,
        signedAt);
  }

  /** An agent token confined to {@code scope}. */
  public String agent(String scope) {
    return tokens.mint(tokens.spec("agent-" + UUID.randomUUID(), "agent").withScope(scope));
  }

  public HttpResponse<String> call(String method, String path, String token, JsonObject body) {
    return call(method, path, token, body, Map.of());
  }

  public HttpResponse<String> call(
      String method, String path, String token, JsonObject body, Map<String, String> headers) {
    if (body == null) {
      return http.send(method, path, token, headers);
    }
    return http.send(method, path, token, headers, body.encode());
  }

  /** A POST with a fresh idempotency key. */
  public HttpResponse<String> post(String path, String token, JsonObject body) {
    return call("POST", path, token, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
  }

  /**
   * Puts a budget with one window's cap (and thresholds) on {@code scope} as its tenant's admin.
   */
  public void budget(String scope, String window, long cap, Integer... thresholds) {
    Map<String, Object> limit = new LinkedHashMap<>();
    limit.put("cap_micros", cap);
    limit.put("thresholds_pct", List.of(thresholds));
    HttpResponse<String> response =
        call(
            "PUT",
            "/v1/budgets/" + encode(scope),
            admin(scope.split("/", 2)[0]),
            new JsonObject().put("limits", new JsonObject().put(window, new JsonObject(limit))));
    if (response.statusCode() != 200) {
      throw new AssertionError("budget not set: " + response.statusCode() + " " + response.body());
    }
  }

  /**
   * The spent and reserved micro-dollars of {@code scope}'s own layer, as its auditor reads them.
   */
  public long[] spentAndReserved(String scope) {
    HttpResponse<String> status =
        call(
            "GET",
            "/v1/budgets/" + encode(scope) + "/status",
            auditor(scope.split("/", 2)[0]),
            null);
    JsonObject mine =
        new JsonObject(status.body())
            .getJsonArray("layers").stream()
                .map(JsonObject.class::cast)
                .filter(layer -> layer.getString("scope").equals(scope))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("no layer of " + scope + ": " + status.body()));
    return new long[] {mine.getLong("spent_micros"), mine.getLong("reserved_micros")};
  }

  /** The ledger's entries of {@code scope}, oldest first, as its tenant's auditor reads them. */
  public List<JsonObject> ledger(String scope) {
    String tenant = scope.split("/", 2)[0];
    HttpResponse<String> page =
        call("GET", "/v1/ledger/" + tenant + "?scope=" + encode(scope), auditor(tenant), null);
    return new JsonObject(page.body())
        .getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
  }

  /**
   * The entries of {@link #ledger} that record operations on budgets (reserve, commit, charge,
   * ...), without the configuration changes ({@code budget}, {@code zone}, {@code policy}) a test's
   * set-up leaves, which have tests of their own.
   */
  public List<JsonObject> operations(String scope) {
    return ledger(scope).stream()
        .filter(entry -> !GovernorRig.CONFIGURATION_ENTRIES.contains(entry.getString("type")))
        .toList();
  }

  public static String encode(String scope) {
    return scope.replace("/", "%2F");
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  @Override
  public void close() {
    Await.result(service.stop());
    redis.close();
    Await.result(vertx.close());
  }
}
