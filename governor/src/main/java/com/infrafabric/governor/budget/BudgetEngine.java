package com.infrafabric.governor.budget;

import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.policy.ModelDowngrade;
import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.SpendMetrics;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.wire.grant.Grant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

  private final TenantScripts scripts;
  private final PricingCatalogues pricing;
  private final BudgetSettings settings;
  private final SpendMetrics metrics;

  /**
   * @param scripts runs the tenant's scripts (with the idempotency TTL and record retention of
   *     {@code settings})
   * @param pricing the pricing catalogue: its current version prices reservations and charges; a
   *     commit's tokens are priced at its reservation's version
   * @param settings TTL bounds
   * @param meters where reservations, commits, charges, spend and tokens are counted ({@link
   *     SpendMetrics}), whichever path called
   */
  public BudgetEngine(
      TenantScripts scripts,
      PricingCatalogues pricing,
      BudgetSettings settings,
      MeterRegistry meters) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.pricing = Objects.requireNonNull(pricing, "pricing");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = new SpendMetrics(meters);
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
    String fingerprint =
        Fingerprint.of(
            "reserve",
            scope,
            request.estimate(),
            ttl.toMillis(),
            request.content(),
            request.grant().map(Grant::id).orElse(""));
    return scripts
        .run(
            scope.tenant(),
            BudgetScripts.RESERVE,
            request.idempotencyKey(),
            fingerprint,
            id,
            (args, now) ->
                BudgetScripts.putReserve(
                    args,
                    id,
                    estimate,
                    now + ttl.toMillis(),
                    scope,
                    request.holder(),
                    request.grant(),
                    request.attribution()))
        .map(reply -> reserveOutcome(GrantRefusals.orThrow(reply.orThrow()), estimate))
        .onSuccess(
            outcome ->
                metrics.reservation(
                    outcome instanceof Reserved reserved
                        ? (reserved.replayed() ? "replayed" : "reserved")
                        : "denied"));
  }

  /**
   * Replaces a reservation with the actual cost: the hold is given back, the actual cost is spent
   * (in full, even above the hold: that is overage), and the ledger records both. Tokens are priced
   * at the catalogue version the reservation was priced at, whatever was published since (see
   * {@link PricingCatalogues#settle}); the ledger entry names the version used.
   *
   * <p>A reservation with a holder is committed by its holder alone: anyone else is refused with
   * {@link com.infrafabric.governor.ErrorCode#RESERVATION_HELD_BY_ANOTHER}. A service's commit
   * ({@link ReservationHolder#isService}: the gateway's, the chassis's) is of a call that was made,
   * and each settles its call once: should the hold have ended otherwise (released or committed by
   * another, as a reservation recorded before holders were could be), the actual cost is charged
   * all the same, as a late commit is after the hold's expiry, never refused. A service's hold
   * still active at its expiry is committed by that expiry at its whole amount (see {@link
   * ReservationHolder#service}); its commit after that, or past its expiry, charges nothing more
   * and is answered {@link CommitResult#settledByExpiry} with that amount: one charge per
   * reservation.
   *
   * <p>Under a grant, a cost that would take the grant's holds and spend past its cost cap (a
   * commit above its hold, a late one) is refused with {@link
   * com.infrafabric.governor.ErrorCode#GRANT_CAP_EXCEEDED}, naming the most it may be committed at;
   * nothing is written and the hold stays as it was. A hold its holder released after its expiry is
   * refused a late commit ({@link com.infrafabric.governor.ErrorCode#RESERVATION_NOT_ACTIVE}), as
   * one released while active is.
   */
  public Future<CommitResult> commit(CommitRequest request) {
    ReservationId id = request.reservation();
    String subtree = Scope.subtreeArg(request.within());
    String fingerprint = Fingerprint.of("commit", id, request.actual(), subtree);
    return pricing
        .settle(
            request.actual(),
            (actual, settles) ->
                scripts.run(
                    id.tenant(),
                    BudgetScripts.COMMIT,
                    request.idempotencyKey(),
                    fingerprint,
                    id,
                    (args, now) ->
                        BudgetScripts.putCommit(
                            args,
                            id,
                            actual,
                            subtree,
                            request.holder(),
                            settles,
                            request.attribution())))
        .map(reply -> commitResult(GrantRefusals.orThrow(reply.orThrow(id))))
        .onSuccess(
            result ->
                metrics.commit(
                    commitOutcome(result),
                    result.scope().tenant(),
                    result.actualMicros(),
                    request.actual()));
  }

  /** Cancels a reservation without a holder; the held amount is available again at once. */
  public Future<ReleaseResult> release(ReservationId id, IdempotencyKey idempotencyKey) {
    return release(id, idempotencyKey, null, ReservationHolder.NONE);
  }

  /**
   * Cancels a reservation if it lies within {@code within} (null for any scope) and {@code holder}
   * holds it (see {@link ReservationHolder}); one outside it is reported as not found, one held by
   * another is refused with {@link com.infrafabric.governor.ErrorCode#RESERVATION_HELD_BY_ANOTHER}.
   */
  public Future<ReleaseResult> release(
      ReservationId id, IdempotencyKey idempotencyKey, Scope within, ReservationHolder holder) {
    return release(id, idempotencyKey, within, holder, CallAttribution.NONE, null);
  }

  /**
   * As {@link #release(ReservationId, IdempotencyKey, Scope, ReservationHolder)} for a call that
   * was never made (the gateway's: rate limited, or refused or failed upstream before any token),
   * recording who made it in the ledger entry, and forgetting the reservation's own idempotency
   * record in the same step when this release ends it: nothing was charged under {@code
   * reservedUnder}, so a retry under it is a new call, not a repeat of one made.
   *
   * @param reservedUnder the key the reservation was made under; its record is deleted only if it
   *     still names this reservation
   */
  public Future<ReleaseResult> releaseUnmade(
      ReservationId id,
      IdempotencyKey idempotencyKey,
      Scope within,
      ReservationHolder holder,
      CallAttribution attribution,
      IdempotencyKey reservedUnder) {
    return release(id, idempotencyKey, within, holder, attribution, reservedUnder);
  }

  private Future<ReleaseResult> release(
      ReservationId id,
      IdempotencyKey idempotencyKey,
      Scope within,
      ReservationHolder holder,
      CallAttribution attribution,
      IdempotencyKey reservedUnder) {
    String subtree = Scope.subtreeArg(within);
    String forget = reservedUnder == null ? "" : reservedUnder.storedName();
    String fingerprint = Fingerprint.of("release", id, subtree, forget);
    return scripts
        .run(
            id.tenant(),
            BudgetScripts.RELEASE,
            idempotencyKey,
            fingerprint,
            id,
            (args, now) -> {
              args.put("reservation_id", id.toString())
                  .put("subtree", subtree)
                  .put("holder", holder.id())
                  .put("forget_key", forget);
              attribution.putArgs(args, "attribution");
            })
        .map(reply -> releaseResult(reply.orThrow(id)));
  }

  /** Records spend reported after the fact; never refused for lack of budget (it is spent). */
  public Future<ChargeResult> charge(ChargeRequest request) {
    Scope scope = request.scope();
    PricedSpend actual = price(request.actual());
    String chargeId = scope.tenant() + ':' + ReservationId.randomToken('c');
    String fingerprint = Fingerprint.of("charge", scope, request.actual());
    return scripts
        .run(
            scope.tenant(),
            BudgetScripts.CHARGE,
            request.idempotencyKey(),
            fingerprint,
            null,
            (args, now) -> {
              args.put("charge_id", chargeId).put("scope", scope.path());
              actual.putArgs(args, "spend");
            })
        .map(reply -> chargeResult(reply.orThrow()))
        .onSuccess(
            result ->
                metrics.charge(
                    result.replayed(),
                    result.scope().tenant(),
                    result.amountMicros(),
                    request.actual()));
  }

  /**
   * Expires up to {@code max} reservations of {@code tenant} whose TTL has passed, giving their
   * amounts back, or committing them at their amounts when a service holds them (see {@link
   * ReservationHolder#service}); returns how many were due. The sweeper's step; reserve does the
   * same lazily.
   */
  public Future<Integer> expireDue(String tenant, int max) {
    return scripts
        .runOnce(tenant, BudgetScripts.EXPIRE, null, "", null, (args, now) -> args.put("max", max))
        .map(reply -> reply.toInteger());
  }

  /** The runner of this engine's scripts, which {@link Budgets} shares. */
  TenantScripts tenantScripts() {
    return scripts;
  }

  /** Prices {@code spend} with the current catalogue. */
  private PricedSpend price(Spend spend) {
    return PricedSpend.of(spend, pricing.get());
  }

  private static ReserveOutcome reserveOutcome(ScriptReply reply, PricedSpend estimate) {
    JsonObject body = reply.body();
    List<LayerStatus> layers = reply.layers(body, "layers");
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

  /** The outcome a commit is counted under ({@link SpendMetrics#commit}). */
  private static String commitOutcome(CommitResult result) {
    if (result.replayed()) {
      return "replayed";
    }
    if (result.settledByExpiry()) {
      return "settled_by_expiry";
    }
    return result.late() ? "late" : result.overage() ? "overage" : "ok";
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
        body.getBoolean("by_expiry", false),
        reply.layers(body, "layers"),
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
        reply.layers(body, "layers"),
        reply.replayed());
  }
}
