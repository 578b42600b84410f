package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.AnswerBody;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.ProviderReply;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.Redactor;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.WireDialect;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway call on the one money path. In order: the caller may use the model; the worst case
 * (every prompt byte a token, the whole output bound) is priced on the priciest model the call may
 * fall back to and reserved on the caller's scope and every budgeted ancestor in one atomic step,
 * under the caller's {@code Idempotency-Key}; the providers are tried in the alias's order, each
 * under its breakers (the provider's and the caller's tenant's), with the operator's key from the
 * vault (the client's credential is never sent); once a provider accepted the call (answered 2xx),
 * it is charged, never released: the usage it reported, and any part of it the provider never
 * reported (the client left, the stream was cut, the answer is not one) at the bound reserved for
 * it ({@link Charge}). Only a call no provider accepted is released. {@link Settlement} makes that
 * one charge at most; a crash in between is settled by the reservation's expiry, which charges the
 * call that bound.
 */
final class MeteredCall {

  /** What a reservation outlives beyond the call's own bounds. */
  private static final Duration MARGIN = Duration.ofSeconds(30);

  /** How a stream's end is named in the ledger. */
  private static final Map<SseRelay.Ended, String> OUTCOMES =
      Map.of(
          SseRelay.Ended.COMPLETED, "ok",
          SseRelay.Ended.PROVIDER_ERROR, "upstream_error",
          SseRelay.Ended.PROVIDER_CUT, "upstream_cut",
          SseRelay.Ended.INVALID, "upstream_invalid",
          SseRelay.Ended.CLIENT_GONE, "client_disconnected",
          SseRelay.Ended.TOO_LARGE, "too_large",
          SseRelay.Ended.TOO_LONG, "too_long",
          SseRelay.Ended.SHUT_DOWN, "shutdown");

  /**
   * Names whether the call's charge is confirmed when its client is answered: {@code pending} if
   * the store had not confirmed it within {@code gateway.answerWait}, the charge still being
   * retried.
   */
  static final String CHARGE_HEADER = "x-governor-charge";

  /**
   * How long a call cut by the shutdown waits for its charge to be confirmed before its client is
   * answered: well within the time the gateway cuts its calls before the server closes their
   * connections ({@code GatewayRoutes.stopping}).
   */
  private static final Duration SHUTDOWN_ANSWER_WAIT = Duration.ofMillis(250);

  private static final Logger LOG = LoggerFactory.getLogger(MeteredCall.class);

  private final MeteredCalls calls;
  private final RoutingContext ctx;
  private final Wire wire;

  /** The request's event loop, where a shutdown's cut runs. */
  private final Context context;

  private final String callId = UUID.randomUUID().toString();
  private GatewayCaller caller;
  private CallRequest call;
  private Settlement settlement;

  /** Completes when the reservation asked for is settled, or was refused or never made. */
  private final Promise<Void> settled = Promise.promise();

  /**
   * Completes when the call's outcome is taken, by its provider's reply (or the lack of one) or by
   * the shutdown ({@link #shutDown}): only the first answers the client.
   */
  private final Promise<Void> concluded = Promise.promise();

  /** The target tried last: the one a shutdown charges. */
  private volatile ModelRouter.Target current;

  /** The whole answer being read, which a shutdown resets; null if none. */
  private volatile AnswerBody reading;

  /** The call's own reservation, once made; null before. */
  private volatile Reserved reservation;

  private IdempotencyKey reservedUnder;
  private long tokens;
  private long upstreamStartedAt = -1;
  private ModelRouter.Target first;
  private Future<Optional<OpenedCredential>> firstKey;

  /** Takes the operator's key of the provider last called out of what it answered. */
  private Redactor redactor = Redactor.none();

  MeteredCall(MeteredCalls calls, RoutingContext ctx, Wire wire) {
    this.calls = calls;
    this.context = ctx.vertx().getOrCreateContext();
    this.ctx = ctx;
    this.wire = wire;
  }

  /** Runs the call; every refusal is answered through {@link #fail}. */
  void run() {
    try {
      start();
    } catch (RuntimeException refused) {
      refusedBeforeAdmission(refused);
    }
  }

  /**
   * Fails the call with {@code refused}; a virtual key's request refused for what it sent (a 4xx
   * other than a rate limit) is first charged to the key's requests, and is answered 429 instead
   * once they are spent: a flood of bodies the gateway must read and refuse costs the key as a
   * flood of calls would (the probe sent 40 refused 1 MiB bodies in 4 s on a key of one request a
   * minute, never throttled).
   */
  private void refusedBeforeAdmission(RuntimeException refused) {
    Optional<VirtualKey> key = caller == null ? Optional.empty() : caller.key();
    boolean callersFault =
        refused instanceof ApiException api
            && api.status() >= 400
            && api.status() < 500
            && api.status() != 429;
    if (key.isEmpty() || !callersFault) {
      fail(refused);
      return;
    }
    calls
        .keys
        .takeRequest(key.get())
        .onComplete(
            charged ->
                fail(
                    charged.succeeded() && !charged.result().allowed()
                        ? GatewayErrors.rateLimited(charged.result())
                        : refused));
  }

  private void start() {
    caller = GatewayCaller.of(Requests.principal(ctx));
    // Read and echoed first, as IdempotentRoute does for the REST routes: every answer the call
    // gets, a refusal of its body, model or size included, names the key a retry would use.
    reservedUnder = idempotencyKey();
    Optional<RateDecision> standing = caller.key().flatMap(calls.keys::standingRefusal);
    if (standing.isPresent()) {
      throw GatewayErrors.rateLimited(standing.get());
    }
    call =
        wire.read(
            Requests.jsonBody(ctx), ctx.body().buffer(), ctx.request().headers(), calls.settings);
    if (!caller.mayUse(call.model())) {
      throw ApiException.of(
          GatewayErrors.MODEL_NOT_ALLOWED,
          "This key or token may not use the model " + call.model() + ".",
          Map.of("model", call.model()));
    }
    List<ModelRouter.Target> targets =
        letThrough(calls.router.targets(call.model(), wire.format()));
    // What the key's tokens-per-minute bucket is charged up front: the bound the reservation uses.
    tokens = call.worstCaseTokens();
    Optional<VirtualKey> virtualKey = caller.key();
    if (virtualKey.isPresent() && tokens > virtualKey.get().tokensPerMinute()) {
      throw GatewayErrors.tooLargeForKey(tokens, virtualKey.get().tokensPerMinute());
    }
    if (ctx.response().closed()) {
      return; // the caller left before its call began: nothing is reserved, no one to answer
    }
    String priced = priciest(targets);
    // The first provider's key is read from the vault while the reservation runs: off the path
    // to the first token, and released unused if the budget refuses.
    first = targets.get(0);
    firstKey = key(first);
    CallAttribution who = new CallAttribution(caller.keyId(), "", -1, "");
    calls.unsettled(settled.future(), this::unsettled);
    new CallAdmission(calls, caller, tokens, callId)
        .admit(
            new ReserveRequest(
                caller.scope(),
                worstCase(priced),
                ttl(targets),
                reservedUnder,
                who,
                content(),
                MeteredCalls.HOLDER))
        .onSuccess(outcome -> reserved(outcome, priced, targets))
        .onFailure(
            refused -> {
              settled.tryComplete();
              if (ctx.request().getHeader(Requests.IDEMPOTENCY_KEY) == null
                  && RedisUnavailableException.isOutcomeUnknown(refused)) {
                // The SDKs retry a 503 under a new key of the gateway's, a new reservation: only
                // a retry that sends the key this answer carries is safe.
                header("x-should-retry", "false");
              }
              fail(refused);
            });
  }

  /**
   * The targets whose breakers, the provider's and the caller's tenant's, let the call through.
   *
   * @throws ApiException 503 if none does, its {@code Retry-After} when the first lets a trial call
   *     through
   */
  private List<ModelRouter.Target> letThrough(List<ModelRouter.Target> routed) {
    List<ModelRouter.Target> targets = new ArrayList<>();
    List<ProviderReply.Failed> refusals = new ArrayList<>();
    for (ModelRouter.Target target : routed) {
      target
          .route()
          .gate()
          .refusal(caller.scope().tenant(), target.model())
          .ifPresentOrElse(refusals::add, () -> targets.add(target));
    }
    if (targets.isEmpty()) {
      throw GatewayErrors.unavailable(
          call.model(),
          refusals.stream()
              .min(Comparator.comparing(open -> open.retryAfter().orElseThrow()))
              .orElseThrow());
    }
    return targets;
  }

  private void reserved(ReserveOutcome outcome, String priced, List<ModelRouter.Target> targets) {
    if (!(outcome instanceof Reserved made) || made.replayed()) {
      settled.tryComplete(); // nothing of this call's own to settle
    }
    BudgetHeaders.put(ctx.response(), outcome.tightest());
    outcome.advisedModel().ifPresent(m -> header("x-governor-downgrade-advice", m));
    if (outcome instanceof Denied denied) {
      header(
          "x-budget-shortfall-micros", Long.toString(denied.refusals().get(0).shortfallMicros()));
      ctx.fail(GatewayErrors.budgetExceeded(denied, priced, call, calls.clock.instant()));
      return;
    }
    Reserved reserved = (Reserved) outcome;
    if (reserved.replayed()) {
      fail(GatewayErrors.alreadyMade());
      return;
    }
    header("x-budget-reserved-micros", Long.toString(reserved.amountMicros()));
    reservation = reserved;
    settlement =
        new Settlement(calls, reserved, caller.scope(), callId, reservedUnder, this::keyUsed);
    settlement.done().onComplete(settled);
    calls.live.add(this::shutDown, concluded.future());
    attempt(downgraded(reserved, targets), 0, null);
  }

  /**
   * The advised model's targets if the tenant's policy advises one and the gateway follows it: only
   * to a model the caller may use and a provider serves, and whose worst case on the current
   * catalogue is within what was reserved (the catalogue may have changed since the policy was
   * set), so the call never costs more than it reserved.
   */
  private List<ModelRouter.Target> downgraded(Reserved reserved, List<ModelRouter.Target> targets) {
    Optional<String> advised = reserved.advisedModel();
    if (advised.isEmpty()
        || !calls.settings.applyDowngrades()
        || !caller.mayUse(advised.get())
        || !calls.router.serves(advised.get(), wire.format())) {
      return targets;
    }
    List<ModelRouter.Target> instead = calls.router.targets(advised.get(), wire.format());
    PricingCatalogue catalogue = calls.pricing.get();
    boolean covered =
        instead.stream()
            .allMatch(
                target ->
                    catalogue.models().containsKey(target.model())
                        && catalogue.estimate(
                                target.model(),
                                call.worstCaseInputTokens(),
                                call.worstCaseOutputTokens())
                            <= reserved.amountMicros());
    if (!covered) {
      return targets;
    }
    header("x-governor-model-downgrade", call.model() + " -> " + advised.get());
    return instead;
  }

  /**
   * Tries {@code targets} from {@code index}, each within the tenant's share of its provider's
   * connections ({@link UpstreamShares}). A client that left stops the next attempt, and one not
   * sent yet, but never one the provider has: the provider bills what it makes of a request it has,
   * so its answer is read and charged.
   */
  private void attempt(List<ModelRouter.Target> targets, int index, ProviderReply.Failed last) {
    if (concluded.future().isComplete()) {
      return; // the shutdown cut the call: it is answered and charged
    }
    if (ctx.response().closed()) {
      conclude();
      settlement.release(attribution(triedLast(), "client_disconnected"));
      return;
    }
    if (index == targets.size()) {
      if (conclude()) {
        within(
                settlement.release(attribution(triedLast(), "upstream_error")),
                calls.settings.answerWait())
            .onComplete(released -> fail(GatewayErrors.unavailable(call.model(), last)));
      }
      return;
    }
    ModelRouter.Target target = targets.get(index);
    trying(target);
    String tenant = caller.scope().tenant();
    UpstreamShares.Taken taken = calls.shares.take(target.route().settings(), tenant);
    if (taken instanceof UpstreamShares.Refused refused) {
      attempt(targets, index + 1, refused.reply());
      return;
    }
    UpstreamShares.heldUntilRead(send(target), (UpstreamShares.Hold) taken)
        .otherwise(failure -> ProviderReply.Failed.retryable(target.provider() + " failed"))
        .onSuccess(
            reply -> {
              if (!(reply instanceof ProviderReply.Failed) && !conclude(reply)) {
                return; // the shutdown cut the call: it is answered and charged
              }
              if (reply instanceof ProviderReply.Opened opened) {
                answer(target, opened.body());
              } else if (reply instanceof ProviderReply.Unknown unknown) {
                // Not tried elsewhere: this provider may be making, and billing, the call.
                chargedAsReserved(
                    target,
                    "upstream_timeout",
                    GatewayErrors.UPSTREAM_TIMEOUT,
                    target.provider()
                        + " has the request but its answer never came ("
                        + unknown.reason()
                        + "); as the provider may bill it");
              } else if (reply instanceof ProviderReply.Unreadable unreadable) {
                chargedAsReserved(target, unreadable.reason());
              } else if (reply instanceof ProviderReply.Refused refused) {
                within(
                        settlement.release(attribution(target.provider(), "upstream_refused")),
                        calls.settings.answerWait())
                    .compose(released -> currentBudget())
                    .onComplete(withState -> relayRefusal(target, refused));
              } else {
                attempt(targets, index + 1, failure(reply));
              }
            });
  }

  /**
   * The call goes to {@code target} now: it is the one a shutdown charges, and the one its answer
   * names ({@code x-governor-provider}, {@code x-governor-model}), whatever that answer is (the
   * provider's, a refusal, its failure, the next target's); set before anything of it is sent.
   */
  private void trying(ModelRouter.Target target) {
    current = target;
    header("x-governor-provider", target.provider());
    header("x-governor-model", target.model());
  }

  /** The provider the call went to last; empty if none yet (the ledger's {@code prov}). */
  private String triedLast() {
    ModelRouter.Target last = current;
    return last == null ? "" : last.provider();
  }

  /** This call as one not settled yet. */
  private UnsettledCall unsettled() {
    Reserved made = reservation;
    return new UnsettledCall(
        callId,
        caller.scope(),
        Optional.ofNullable(made).map(Reserved::id),
        made == null ? 0 : made.amountMicros());
  }

  /**
   * The ledger's account of this call: the key, the provider, the upstream latency, the outcome.
   */
  private CallAttribution attribution(String provider, String outcome) {
    long latency = upstreamStartedAt < 0 ? -1 : calls.clock.millis() - upstreamStartedAt;
    return new CallAttribution(caller.keyId(), provider, Math.max(-1, latency), outcome);
  }

  private Future<ProviderReply> send(ModelRouter.Target target) {
    upstreamStartedAt = calls.clock.millis();
    return (target == first ? firstKey : key(target))
        .compose(
            key -> {
              redactor = key.map(OpenedCredential::redactor).orElse(Redactor.none());
              Buffer body = wire.upstreamBody(call, target.model());
              // A client that leaves before the request is sent (while it waits for a connection)
              // ends the attempt unsent; it never aborts a request the provider has.
              Cancellation leaving = new Cancellation();
              ctx.response().closeHandler(closed -> leaving.cancel());
              if (ctx.response().closed()) {
                leaving.cancel();
              }
              return target
                  .route()
                  .gate()
                  .call(
                      caller.scope().tenant(),
                      target.model(),
                      () ->
                          target
                              .relay()
                              .post(
                                  wire.upstreamPath(), call.upstreamHeaders(), body, key, leaving));
            });
  }

  /** The operator's key for the target's provider, from the vault. */
  private Future<Optional<OpenedCredential>> key(ModelRouter.Target target) {
    Optional<String> name = target.route().settings().credential();
    if (name.isEmpty() || calls.vault.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return calls.vault.get().open(CredentialOwner.operator(), name.get());
  }

  /**
   * Takes the call's outcome, first: true unless the shutdown took it already. An opened answer's
   * reading is still to come ({@link #reading}, which the shutdown resets).
   */
  private boolean conclude(ProviderReply reply) {
    if (reply instanceof ProviderReply.Opened opened && !call.stream()) {
      reading = opened.body();
      if (concluded.future().isComplete()) {
        opened.body().reset();
        return false;
      }
      return true;
    }
    if (conclude()) {
      return true;
    }
    if (reply instanceof ProviderReply.Opened opened) {
      opened.body().reset();
    }
    return false;
  }

  /** Takes the call's outcome: true if this is the first to, false if the shutdown took it. */
  private boolean conclude() {
    return concluded.tryComplete();
  }

  /**
   * The gateway is shutting down and this call still waits on its provider (its head, or its whole
   * answer): the provider's answer is reset, the client answered its dialect's 503 {@code
   * GATEWAY_SHUTTING_DOWN} and the call charged as reserved (the provider may bill what it has),
   * ledger outcome {@code shutdown}. Rather than dropped with the connection and settled as an
   * upstream timeout. From any thread.
   */
  private void shutDown() {
    context.runOnContext(
        now -> {
          if (current == null || !conclude()) {
            return;
          }
          AnswerBody unread = reading;
          if (unread != null) {
            unread.reset();
          }
          chargedAsReserved(
              current,
              "shutdown",
              GatewayErrors.GATEWAY_SHUTTING_DOWN,
              "the gateway shut down before "
                  + current.provider()
                  + "'s answer came; as the provider may bill it",
              SHUTDOWN_ANSWER_WAIT);
        });
  }

  private void answer(ModelRouter.Target target, AnswerBody upstream) {
    if (call.stream() && ctx.response().closed()) {
      upstream.reset();
      charge(target, Charge.atBound(bound()), "client_disconnected");
    } else if (call.stream()) {
      stream(target, upstream);
    } else {
      Answers.read(
              calls.vertx,
              upstream,
              calls.settings.maxAnswerBytes(),
              calls.settings.maxStreamDuration())
          .onComplete(
              read -> {
                if (!conclude()) {
                  return; // the shutdown cut the call: it is answered and charged
                }
                if (read.succeeded()) {
                  whole(target, read.result());
                } else {
                  chargedAsReserved(target, read.cause().getMessage());
                }
              });
    }
  }

  private void stream(ModelRouter.Target target, AnswerBody upstream) {
    StreamMeter meter = wire.meter(call);
    HttpServerResponse response = ctx.response().setStatusCode(200);
    SseRelay.relay(
            calls.vertx,
            upstream,
            response,
            meter,
            SseDialect.of(wire.format()),
            calls.settings.maxAnswerBytes(),
            calls.settings.maxStreamDuration(),
            redactor,
            calls.live)
        .onSuccess(
            ended ->
                charge(
                    target,
                    meter.charge(bound(), ended == SseRelay.Ended.COMPLETED),
                    OUTCOMES.get(ended)));
  }

  /**
   * Commits {@code charge} of a call that ended {@code ended}; the ledger's outcome says when a
   * part of it is the bound because the provider never reported it.
   */
  private Future<Optional<CommitResult>> charge(
      ModelRouter.Target target, Charge charge, String ended) {
    Charge held = charge.within(bound());
    if (held.overBound()) {
      LOG.atWarn()
          .log(
              "gateway call {}: {} reported usage {} above the call's bound {}; charged at the bound",
              callId,
              target.provider(),
              charge.usage(),
              bound());
    }
    return settlement.commit(
        target.model(), held.usage(), attribution(target.provider(), held.outcome(ended)));
  }

  /**
   * A complete answer: its usage is committed, then it is relayed as the provider wrote it, but for
   * the operator's key should the provider quote it (to a client that is still there: one that left
   * is charged all the same).
   */
  private void whole(ModelRouter.Target target, Buffer answer) {
    Optional<TokenUsage> usage = Answers.usage(answer).flatMap(wire::usage);
    if (usage.isEmpty()) {
      chargedAsReserved(target, "a body that is not a complete answer with usage");
      return;
    }
    boolean left = ctx.response().closed();
    Future<Optional<CommitResult>> charged =
        charge(target, Charge.reported(usage.get()), left ? "client_disconnected" : "ok");
    if (left) {
      return;
    }
    confirmedWithin(charged, calls.settings.answerWait())
        .onComplete(
            confirmed ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("content-type", "application/json")
                    .end(redactor.redact(answer)));
  }

  /**
   * {@code charge}'s result, its headers set, once the store confirmed it; or empty after {@code
   * wait}, with {@link #CHARGE_HEADER} {@code pending}, the charge still retried by {@link
   * Settlement}: the client whose call has its outcome is not held on the store. Empty too if
   * nothing was charged. Never fails.
   */
  private Future<Optional<CommitResult>> confirmedWithin(
      Future<Optional<CommitResult>> charge, Duration wait) {
    return within(charge, wait)
        .map(
            confirmed -> {
              if (confirmed.isEmpty()) {
                header(CHARGE_HEADER, "pending");
              }
              Optional<CommitResult> result = confirmed.flatMap(committed -> committed);
              result.ifPresent(this::settledHeaders);
              return result;
            });
  }

  /**
   * {@code settling}'s result if it completes within {@code wait} (empty if that is null), else
   * empty then: a settlement (retried while the store is unreachable) never holds back the answer
   * to a call whose outcome is known. Never fails.
   */
  private <T> Future<Optional<T>> within(Future<T> settling, Duration wait) {
    Promise<Optional<T>> first = Promise.promise();
    long timer =
        calls.vertx.setTimer(
            Math.max(1, wait.toMillis()), id -> first.tryComplete(Optional.empty()));
    settling.onComplete(
        done -> {
          calls.vertx.cancelTimer(timer);
          first.tryComplete(
              done.succeeded() ? Optional.ofNullable(done.result()) : Optional.empty());
        });
    return first.future();
  }

  /**
   * The provider was called and its answer cannot be relayed ({@code why}: too large, too slow, not
   * an answer): what it made is unknown, so the call is charged as reserved, and the caller is told
   * so with the amount.
   */
  private void chargedAsReserved(ModelRouter.Target target, String why) {
    chargedAsReserved(
        target,
        "upstream_invalid",
        GatewayErrors.UPSTREAM_INVALID,
        target.provider() + " answered, but not with an answer the gateway relays (" + why + ")");
  }

  /**
   * Charges the call at its bound, as {@code ended} in the ledger, and fails it with {@code code}:
   * {@code what} happened, and the call was charged as reserved, with the amount. The SDKs are told
   * not to retry it ({@code x-should-retry: false}): it was charged, and a retry is a new call.
   */
  private void chargedAsReserved(
      ModelRouter.Target target, String ended, ErrorCode code, String what) {
    chargedAsReserved(target, ended, code, what, calls.settings.answerWait());
  }

  /** As above, the client answered within {@code wait} ({@link #confirmedWithin}). */
  private void chargedAsReserved(
      ModelRouter.Target target, String ended, ErrorCode code, String what, Duration wait) {
    confirmedWithin(charge(target, Charge.atBound(bound()), ended), wait)
        .onComplete(
            charged -> {
              header("x-should-retry", "false");
              fail(
                  ApiException.of(
                      code,
                      what
                          + "; the call was charged as reserved"
                          + charged
                              .result()
                              .map(result -> ", " + result.actualMicros() + " micro-dollars.")
                              .orElse(".")));
            });
  }

  /**
   * Puts the key's tokens-per-minute bucket right once the call settled: it took the call's worst
   * case ({@link CallRequest#worstCaseTokens}) at admission, and now counts what the call was
   * charged.
   */
  private void keyUsed(long used) {
    caller
        .key()
        .ifPresent(
            key ->
                calls
                    .keys
                    .settle(key, tokens, used)
                    .onFailure(
                        failure ->
                            LOG.atDebug().log(
                                "gateway call {}: the key's token bucket was not settled: {}",
                                callId,
                                failure.getMessage())));
  }

  /**
   * A provider's refusal of the request itself, relayed with its status under {@code
   * UPSTREAM_REFUSED}: as the provider wrote it if it is one JSON object (its error, in the
   * client's dialect already); else (an HTML page from a proxy, plain text) wrapped in the client's
   * dialect's error, which the SDKs read, rather than sent as JSON it is not.
   */
  private void relayRefusal(ModelRouter.Target target, ProviderReply.Refused refused) {
    header("x-should-retry", "false"); // the provider refused the request itself: so would a retry
    if (!Answers.isJsonObject(refused.body())) {
      ctx.fail(GatewayErrors.refusedNotJson(target.provider(), refused));
      return;
    }
    ctx.response()
        .setStatusCode(refused.status())
        .putHeader("content-type", "application/json")
        .putHeader(WireDialect.ERROR_CODE_HEADER, GatewayErrors.UPSTREAM_REFUSED.code())
        .end(refused.body());
  }

  private String priciest(List<ModelRouter.Target> targets) {
    PricingCatalogue catalogue = calls.pricing.get();
    return targets.stream()
        .map(ModelRouter.Target::model)
        .max(
            Comparator.comparingLong(
                model ->
                    catalogue.estimate(
                        model, call.worstCaseInputTokens(), call.worstCaseOutputTokens())))
        .orElseThrow();
  }

  private Spend worstCase(String model) {
    return Spend.estimate(model, call.worstCaseInputTokens(), call.worstCaseOutputTokens());
  }

  /**
   * Every part of the call at its reserved bound: what a part the provider never reported costs.
   */
  private TokenUsage bound() {
    return new TokenUsage(call.worstCaseInputTokens(), 0, call.worstCaseOutputTokens());
  }

  /**
   * Every target's attempts, the longest answer (streamed or whole: both are read for up to {@code
   * gateway.maxStreamDuration}) and the margin.
   */
  private Duration ttl(List<ModelRouter.Target> targets) {
    Duration attempts = Duration.ZERO;
    for (ModelRouter.Target target : targets) {
      attempts = attempts.plus(target.worstCase());
    }
    return attempts.plus(calls.settings.maxStreamDuration()).plus(MARGIN);
  }

  /** The caller's {@code Idempotency-Key}, or one made up; echoed in the answer either way. */
  private IdempotencyKey idempotencyKey() {
    String named = ctx.request().getHeader(Requests.IDEMPOTENCY_KEY);
    String value = named != null ? named : callId;
    ctx.response().putHeader(Requests.IDEMPOTENCY_KEY, value);
    return IdempotencyKey.ofCaller(caller.subject(), caller.scope().path(), value);
  }

  /**
   * What binds the {@code Idempotency-Key} to this very request: the body's digest (two requests
   * with the same estimate may still differ). Bound to a key the gateway made up as well: an answer
   * whose outcome is unknown names it, and a retry that sends it must find the same request.
   */
  private String content() {
    return Fingerprint.digest(ctx.body().buffer().getBytes());
  }

  private static ProviderReply.Failed failure(ProviderReply reply) {
    return reply instanceof ProviderReply.Failed failed
        ? failed
        : ProviderReply.Failed.finalFailure("the provider's reply is not a relayed answer");
  }

  private void settledHeaders(CommitResult result) {
    header("x-budget-charged-micros", Long.toString(result.actualMicros()));
    BudgetHeaders.put(ctx.response(), ReserveOutcome.tightestOf(result.layers()));
  }

  /**
   * Fails the call with {@code error}, its answer stating the caller's budget as it is now, after
   * any release: every answer to a caller carries it, a refusal before the reservation too. A
   * caller not even known (no scope to read) gets the error alone.
   */
  private void fail(Throwable error) {
    if (caller == null) {
      ctx.fail(error);
    } else {
      BudgetHeaders.fail(ctx, calls.budgets, caller.scope(), error);
    }
  }

  /** Sets the caller's budget headers as the store has them now; never fails. */
  private Future<Void> currentBudget() {
    return BudgetHeaders.current(calls.budgets, caller.scope(), ctx.response());
  }

  private void header(String name, String value) {
    ctx.response().headers().set(name, value);
  }
}
