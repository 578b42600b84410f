package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.AGENT;
import static com.infrafabric.governor.http.CallerScope.CHASSIS;
import static com.infrafabric.platform.http.Responses.respond;
import static com.infrafabric.wire.reservation.ReservationWire.ADVISED_MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.AMOUNT_MICROS;
import static com.infrafabric.wire.reservation.ReservationWire.CACHED_INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.GRANT;
import static com.infrafabric.wire.reservation.ReservationWire.INPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.LAYERS;
import static com.infrafabric.wire.reservation.ReservationWire.MAX_OUTPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.MODEL;
import static com.infrafabric.wire.reservation.ReservationWire.OUTPUT_TOKENS;
import static com.infrafabric.wire.reservation.ReservationWire.SCOPE;
import static com.infrafabric.wire.reservation.ReservationWire.TTL_SECONDS;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.ChargeRequest;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.claim.SignedGrants;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantCheck;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The charge path over HTTP: reserve, commit, release and direct charges. Agents, each confined to
 * the scope subtree its token names, and (reserve, commit, release) the chassis service, which
 * settles its tools' LLM calls on the scopes of the grants it verified: it reserves only under a
 * grant this governor signed, sent in the {@link ReservationWire#GRANT} field, within its scope,
 * lifetime and cost cap (see {@link #grant}). A reservation is committed or released by its holder
 * alone, the caller that made it ({@link CallerScope#holder}): another agent of the subtree, an
 * admin, or the caller of a gateway call whose hold it finds, is refused with 409 {@code
 * RESERVATION_HELD_BY_ANOTHER}. The paths and the fields the chassis sends are {@link
 * ReservationWire}'s, the protocol both sides share. Every request is named by an {@code
 * Idempotency-Key} (see {@link IdempotentRoute}). Answers carry the tightest layer's remaining
 * budget in {@code X-Budget-*} headers.
 */
final class ReservationRoutes {

  private static final Set<String> RESERVE_FIELDS =
      Set.of(SCOPE, AMOUNT_MICROS, MODEL, INPUT_TOKENS, MAX_OUTPUT_TOKENS, TTL_SECONDS, GRANT);
  private static final Set<String> ACTUAL_FIELDS =
      Set.of(AMOUNT_MICROS, MODEL, INPUT_TOKENS, CACHED_INPUT_TOKENS, OUTPUT_TOKENS);
  private static final Set<String> CHARGE_FIELDS =
      Set.of(SCOPE, AMOUNT_MICROS, MODEL, INPUT_TOKENS, CACHED_INPUT_TOKENS, OUTPUT_TOKENS);

  private final BudgetEngine engine;
  private final SpendFields spend;
  private final SignedGrants grants;
  private final long maxTtlSeconds;

  /**
   * @param maxTtlSeconds the longest {@code ttl_seconds} a request may name ({@code
   *     budget.maxReservationTtl}): the field is read within 1..this, so every value outside it,
   *     below as above and however far, hears the range it really takes
   */
  ReservationRoutes(
      BudgetEngine engine, SpendFields spend, SignedGrants grants, long maxTtlSeconds) {
    this.engine = engine;
    this.spend = spend;
    this.grants = grants;
    this.maxTtlSeconds = maxTtlSeconds;
  }

  void register(Routes routes) {
    Access holders = Access.tenant(AGENT).orPlatform(CHASSIS);
    // New spending is admission-controlled; settling a reservation already admitted never is, nor
    // rate limited, so neither shedding load nor a spent bucket strands a hold, uncharged, until
    // it expires.
    // The chassis names the tenant each of its calls is for (the handlers check it is the tenant
    // the request touches); a charge is a tenant token's alone, which acts in its own.
    Routes newSpending = routes.admissionControlled();
    newSpending
        .actingFor(CallerScope.CHASSIS_SERVICE)
        .post(ReservationWire.RESERVATIONS, holders, IdempotentRoute.of(this::reserve));
    newSpending.post("/v1/charges", Access.tenant(AGENT), IdempotentRoute.of(this::charge));
    routes
        .settling()
        .actingFor(CallerScope.CHASSIS_SERVICE)
        .post(ReservationWire.COMMIT_ROUTE, holders, IdempotentRoute.of(this::commit))
        .post(ReservationWire.RELEASE_ROUTE, holders, IdempotentRoute.of(this::release));
  }

  private void reserve(RoutingContext ctx, IdempotencyKey key) {
    Principal caller = Requests.principal(ctx);
    Fields body = Fields.of(Requests.jsonBody(ctx), RESERVE_FIELDS);
    Scope scope = CallerScope.requireSettlesIn(caller, Scope.parse(body.string(SCOPE)));
    CallerScope.requireActingFor(ctx, scope.tenant());
    Duration ttl =
        body.optionalInteger(
                TTL_SECONDS, BudgetSettings.MIN_RESERVATION_TTL.toSeconds(), maxTtlSeconds)
            .map(Duration::ofSeconds)
            .orElse(null);
    Spend estimate = spend.estimate(body);
    Future<ReserveOutcome> reserved =
        grant(caller, body.optionalString(GRANT), scope)
            .compose(
                grant ->
                    engine.reserve(
                        new ReserveRequest(
                            scope,
                            estimate,
                            ttl,
                            key,
                            CallAttribution.NONE,
                            "",
                            CallerScope.holder(caller),
                            grant)));
    Responses.then(ctx, reserved, outcome -> answer(ctx, outcome));
  }

  /**
   * The grant a reservation on {@code scope} is made under: the one {@code token} carries, signed
   * by this governor, still valid and naming a budget scope {@code scope} lies in. The chassis
   * service, whose token confines it to no scope, reserves only under such a grant, so it spends
   * only where, and as much as, the governor allowed; a tenant token may name one too, and is then
   * held to it as well. Lease, expiry and cost cap are checked by the reserve script, with the
   * hold.
   */
  private Future<Optional<Grant>> grant(Principal caller, Optional<String> token, Scope scope) {
    if (token.isEmpty()) {
      return CallerScope.CHASSIS_SERVICE.permits(caller)
          ? Future.failedFuture(
              new GovernorException(
                  ErrorCode.GRANT_REQUIRED,
                  "the chassis service reserves only under a grant the governor signed; send it"
                      + " in the "
                      + GRANT
                      + " field"))
          : Future.succeededFuture(Optional.empty());
    }
    return grants.verify(token.get()).map(check -> Optional.of(covering(check, scope)));
  }

  private static Grant covering(GrantCheck check, Scope scope) {
    if (check instanceof GrantCheck.Refused refused) {
      throw new GovernorException(
          ErrorCode.GRANT_INVALID,
          "the grant is not a valid grant of this governor: " + refused.reason().code(),
          Map.of("reason", refused.reason().code()));
    }
    Grant grant = ((GrantCheck.Valid) check).grant();
    if (!scope.isWithin(Scope.parse(grant.budgetScope()))) {
      throw new GovernorException(
          ErrorCode.GRANT_SCOPE_MISMATCH,
          "the grant spends on " + grant.budgetScope() + ", and " + scope + " lies outside it",
          Map.of(SCOPE, scope.path(), "grant_scope", grant.budgetScope()));
    }
    return grant;
  }

  private void answer(RoutingContext ctx, ReserveOutcome outcome) {
    budgetHeaders(ctx, outcome.tightest());
    if (outcome instanceof Reserved reserved) {
      replayedHeader(ctx, reserved.replayed());
      Responses.send(ctx, reserved.replayed() ? 200 : 201, Views.reserved(reserved));
      return;
    }
    Denied denied = (Denied) outcome;
    Refusal first = denied.refusals().get(0);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("requested_micros", denied.amountMicros());
    details.put("refusals", Views.refusals(denied.refusals()));
    details.put(LAYERS, Views.layers(denied.layers()));
    denied.advisedModel().ifPresent(model -> details.put(ADVISED_MODEL, model));
    ctx.fail(
        ApiException.of(
            GovernorErrors.BUDGET_EXCEEDED,
            "Reserving "
                + denied.amountMicros()
                + " micro-dollars would exceed the "
                + first.window().wireName()
                + " cap of "
                + first.scope()
                + " by "
                + first.shortfallMicros()
                + " micro-dollars.",
            details));
  }

  private void commit(RoutingContext ctx, IdempotencyKey key) {
    Principal caller = Requests.principal(ctx);
    Scope within = CallerScope.settlingSubtree(caller);
    ReservationId id = reservation(ctx, within);
    Fields body = Fields.of(Requests.jsonBody(ctx), ACTUAL_FIELDS);
    CommitRequest request =
        new CommitRequest(id, spend.settled(body), key, within, CallerScope.holder(caller));
    respond(
        ctx,
        200,
        engine
            .commit(request)
            .onSuccess(result -> settledHeaders(ctx, result.layers(), result.replayed())),
        Views::commit);
  }

  private void release(RoutingContext ctx, IdempotencyKey key) {
    Principal caller = Requests.principal(ctx);
    Scope within = CallerScope.settlingSubtree(caller);
    ReservationId id = reservation(ctx, within);
    Requests.noBody(ctx);
    respond(
        ctx,
        200,
        engine
            .release(id, key, within, CallerScope.holder(caller))
            .onSuccess(result -> replayedHeader(ctx, result.replayed())),
        Views::release);
  }

  private void charge(RoutingContext ctx, IdempotencyKey key) {
    Principal caller = Requests.principal(ctx);
    Fields body = Fields.of(Requests.jsonBody(ctx), CHARGE_FIELDS);
    Scope scope = CallerScope.requireWithin(caller, Scope.parse(body.string(SCOPE)));
    ChargeRequest request = new ChargeRequest(scope, spend.charged(body), key);
    respond(
        ctx,
        engine
            .charge(request)
            .onSuccess(result -> settledHeaders(ctx, result.layers(), result.replayed())),
        result -> result.replayed() ? 200 : 201,
        Views::charge);
  }

  /**
   * The reservation named in the path, refused with 403 if it lies in another tenant than the
   * caller's subtree (null: any), and with 400 if a platform caller named another tenant. One in
   * the tenant but outside the subtree is reported as not found by the script, which alone knows
   * the reservation's scope.
   */
  private static ReservationId reservation(RoutingContext ctx, Scope within) {
    ReservationId id = ReservationId.parse(ctx.pathParam(ReservationWire.ID_PARAM));
    CallerScope.requireInTenant(within, id.tenant());
    CallerScope.requireActingFor(ctx, id.tenant());
    return id;
  }

  private static void settledHeaders(
      RoutingContext ctx, List<LayerStatus> layers, boolean replayed) {
    budgetHeaders(ctx, ReserveOutcome.tightestOf(layers));
    replayedHeader(ctx, replayed);
  }

  /** The tightest layer's remaining budget, as LiteLLM users read it from spend headers. */
  private static void budgetHeaders(RoutingContext ctx, Optional<LayerStatus> tightest) {
    tightest.ifPresent(
        layer ->
            ctx.response()
                .putHeader("X-Budget-Remaining-Micros", Long.toString(layer.remainingMicros()))
                .putHeader("X-Budget-Scope", layer.scope().path())
                .putHeader("X-Budget-Window", layer.window().wireName()));
  }

  private static void replayedHeader(RoutingContext ctx, boolean replayed) {
    if (replayed) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
  }
}
