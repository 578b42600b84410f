package com.infrafabric.governor.budget;

import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reserves, commits, releases and charges LLM spend against hierarchical budgets.
 *
 * <p>Each operation is one Lua script execution in Redis: the check against every budgeted layer
 * and window, the counter updates on every layer, the reservation record, the idempotency record,
 * threshold events and the ledger entry happen together or not at all. Two concurrent requests can
 * therefore never both pass "remaining >= cost", a retried request is never billed twice, and
 * counters and ledger can never disagree.
 *
 * <p>If Redis does not answer within its command timeout the returned future fails with {@link
 * com.infrafabric.platform.redis.RedisUnavailableException}: nothing is ever allowed
 * optimistically. The outcome of such a request is unknown; retrying with the same idempotency key
 * is safe, and an unanswered reservation expires by its TTL.
 *
 * <p>Invalid requests fail with {@link com.infrafabric.governor.GovernorException} carrying a
 * stable code, before anything is sent to Redis. Thread-safe.
 */
public final class BudgetEngine {

  private static final int ZONE_CACHE_SIZE = 10_000;

  private final RedisStore redis;
  private final Supplier<PricingCatalogue> pricing;
  private final Clock clock;
  private final BudgetSettings settings;
  private final TenantZones zones = new TenantZones(ZONE_CACHE_SIZE);

  /**
   * @param redis the shared Redis client
   * @param pricing the current pricing catalogue (read on every priced request)
   * @param clock the time windows, TTLs and ledger timestamps are read from
   * @param settings TTL bounds and retention
   */
  public BudgetEngine(
      RedisStore redis, Supplier<PricingCatalogue> pricing, Clock clock, BudgetSettings settings) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.pricing = Objects.requireNonNull(pricing, "pricing");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * The Lua scripts this engine and {@link Budgets} run (to load at start, check for readiness).
   */
  public static List<LuaScript> scripts() {
    return BudgetScripts.ALL;
  }

  /** Holds the estimated cost on the scope and every budgeted ancestor, or says who refused. */
  public Future<ReserveOutcome> reserve(ReserveRequest request) {
    Duration ttl = settings.ttlFor(request.ttl());
    PricedSpend estimate = price(request.estimate());
    Scope scope = request.scope();
    ReservationId id = ReservationId.generate(scope.tenant());
    BudgetKeys keys = BudgetKeys.of(scope.tenant());
    String fingerprint = Fingerprint.of("reserve", scope, request.estimate(), ttl.toMillis());
    return run(
            scope.tenant(),
            BudgetScripts.RESERVE,
            (windows, now) ->
                BudgetCall.of(keys, windows, now, request.idempotencyKey(), fingerprint, settings)
                    .reservationKey(keys.reservation(id))
                    .arg(id.toString())
                    .arg(estimate.micros())
                    .arg(now + ttl.toMillis())
                    .arg(estimate.model())
                    .arg(estimate.pricingVersion())
                    .arg(estimate.usage().inputTokens())
                    .arg(estimate.usage().outputTokens())
                    .arg(scope.path()))
        .map(reply -> reserveOutcome(reply.orThrow(scope.path()), estimate));
  }

  /**
   * Replaces a reservation with the actual cost: the hold is given back, the actual cost is spent
   * (in full, even above the hold: that is overage), and the ledger records both.
   */
  public Future<CommitResult> commit(CommitRequest request) {
    ReservationId id = request.reservation();
    PricedSpend actual = price(request.actual());
    BudgetKeys keys = BudgetKeys.of(id.tenant());
    String fingerprint =
        Fingerprint.of("commit", id, request.actual(), TenantScripts.subtreeArg(request.within()));
    return run(
            id.tenant(),
            BudgetScripts.COMMIT,
            (windows, now) ->
                BudgetCall.of(keys, windows, now, request.idempotencyKey(), fingerprint, settings)
                    .reservationKey(keys.reservation(id))
                    .arg(id.toString())
                    .args(actual.args())
                    .arg(TenantScripts.subtreeArg(request.within())))
        .map(reply -> commitResult(reply.orThrow(id.toString())));
  }

  /** Cancels a reservation; the held amount is available again at once. */
  public Future<ReleaseResult> release(ReservationId id, IdempotencyKey idempotencyKey) {
    return release(id, idempotencyKey, null);
  }

  /**
   * Cancels a reservation if it lies within {@code within} (null for any scope); one outside it is
   * reported as not found.
   */
  public Future<ReleaseResult> release(
      ReservationId id, IdempotencyKey idempotencyKey, Scope within) {
    BudgetKeys keys = BudgetKeys.of(id.tenant());
    String fingerprint = Fingerprint.of("release", id, TenantScripts.subtreeArg(within));
    return run(
            id.tenant(),
            BudgetScripts.RELEASE,
            (windows, now) ->
                BudgetCall.of(keys, windows, now, idempotencyKey, fingerprint, settings)
                    .reservationKey(keys.reservation(id))
                    .arg(id.toString())
                    .arg(TenantScripts.subtreeArg(within)))
        .map(reply -> releaseResult(reply.orThrow(id.toString())));
  }

  /** Records spend reported after the fact; never refused for lack of budget (it is spent). */
  public Future<ChargeResult> charge(ChargeRequest request) {
    Scope scope = request.scope();
    PricedSpend actual = price(request.actual());
    BudgetKeys keys = BudgetKeys.of(scope.tenant());
    String chargeId = scope.tenant() + ':' + ReservationId.randomToken('c');
    String fingerprint = Fingerprint.of("charge", scope, request.actual());
    return run(
            scope.tenant(),
            BudgetScripts.CHARGE,
            (windows, now) ->
                BudgetCall.of(keys, windows, now, request.idempotencyKey(), fingerprint, settings)
                    .arg(chargeId)
                    .arg(actual.micros())
                    .arg(actual.usage().inputTokens())
                    .arg(actual.usage().cachedInputTokens())
                    .arg(actual.usage().outputTokens())
                    .arg(actual.model())
                    .arg(actual.pricingVersion())
                    .arg(scope.path()))
        .map(reply -> chargeResult(reply.orThrow(scope.path())));
  }

  /**
   * Expires up to {@code max} reservations of {@code tenant} whose TTL has passed, giving their
   * amounts back; returns how many were due. The sweeper's step; reserve does the same lazily.
   */
  public Future<Integer> expireDue(String tenant, int max) {
    BudgetKeys keys = BudgetKeys.of(tenant);
    Instant now = clock.instant();
    CalendarWindows windows = CalendarWindows.at(now, zones.zoneOf(tenant));
    BudgetCall call = BudgetCall.of(keys, windows, now.toEpochMilli(), null, "", settings).arg(max);
    return redis
        .eval(BudgetScripts.EXPIRE, call.keys(), call.args())
        .map(reply -> reply.toInteger());
  }

  /**
   * Runs a script with window names computed in the tenant's zone as last seen; if the script
   * reports that the zone has changed, learns it and runs once more (the first run changed
   * nothing).
   */
  Future<ScriptReply> run(String tenant, LuaScript script, CallFactory callFactory) {
    Instant now = clock.instant();
    return attempt(tenant, script, callFactory, now)
        .compose(
            reply -> {
              if (!"zone".equals(reply.kind())) {
                return Future.succeededFuture(reply);
              }
              zones.learn(tenant, ZoneId.of(reply.payload()));
              return attempt(tenant, script, callFactory, now);
            });
  }

  private Future<ScriptReply> attempt(
      String tenant, LuaScript script, CallFactory callFactory, Instant now) {
    CalendarWindows windows = CalendarWindows.at(now, zones.zoneOf(tenant));
    BudgetCall call = callFactory.create(windows, now.toEpochMilli());
    return redis
        .eval(script, call.keys(), call.args())
        .map(response -> ScriptReply.of(response, windows));
  }

  Clock clock() {
    return clock;
  }

  BudgetSettings settings() {
    return settings;
  }

  /** Prices {@code spend} with the current catalogue. */
  PricedSpend price(Spend spend) {
    return PricedSpend.of(spend, pricing.get());
  }

  /** Lets {@link Budgets} tell this engine at once that a tenant's zone changed. */
  void learnZone(String tenant, ZoneId zone) {
    zones.learn(tenant, zone);
  }

  private static ReserveOutcome reserveOutcome(ScriptReply reply, PricedSpend estimate) {
    JsonObject body = reply.body();
    List<LayerStatus> layers = reply.layers(body);
    Optional<String> advice =
        ModelDowngrade.parse(estimate.model(), body.getString("downgrade"))
            .flatMap(downgrade -> downgrade.advise(layers));
    if ("denied".equals(reply.kind())) {
      return new Denied(
          estimate.micros(), ScriptReply.refusals(body.getValue("refusals")), layers, advice);
    }
    return new Reserved(
        ReservationId.parse(body.getString("rid")),
        Long.parseLong(body.getString("amount")),
        estimate.pricingVersion(),
        Instant.ofEpochMilli(Long.parseLong(body.getString("expires_at"))),
        layers,
        reply.replayed(),
        advice);
  }

  private static CommitResult commitResult(ScriptReply reply) {
    JsonObject body = reply.body();
    return new CommitResult(
        ReservationId.parse(body.getString("rid")),
        Scope.parse(body.getString("scope")),
        Long.parseLong(body.getString("reserved")),
        Long.parseLong(body.getString("actual")),
        Long.parseLong(body.getString("released")),
        body.getBoolean("overage"),
        body.getBoolean("late"),
        reply.layers(body),
        reply.replayed());
  }

  private static ReleaseResult releaseResult(ScriptReply reply) {
    JsonObject body = reply.body();
    return new ReleaseResult(
        ReservationId.parse(body.getString("rid")),
        Scope.parse(body.getString("scope")),
        Long.parseLong(body.getString("released")),
        body.getString("state"),
        reply.replayed());
  }

  private static ChargeResult chargeResult(ScriptReply reply) {
    JsonObject body = reply.body();
    return new ChargeResult(
        body.getString("cid"),
        Scope.parse(body.getString("scope")),
        Long.parseLong(body.getString("amount")),
        ScriptReply.refusals(body.getValue("over_cap")),
        reply.layers(body),
        reply.replayed());
  }

  /** Builds a script call for the windows and time (epoch ms) of one attempt. */
  @FunctionalInterface
  interface CallFactory {
    BudgetCall create(CalendarWindows windows, long nowMillis);
  }
}
