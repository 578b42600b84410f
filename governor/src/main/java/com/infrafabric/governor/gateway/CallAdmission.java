package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.retry.RetryUntil;
import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits one gateway call. A virtual key's per-minute buckets ({@link
 * com.infrafabric.governor.keys.VirtualKeys#admit}, Bucket4j on Redis) and the budget's reservation
 * of the call's worst case are asked at the same time: both stand between the client and the
 * provider, and each is a Redis round trip, so asking them in turn would add one to every call.
 * Whichever refuses, the other's step is undone, so a refused call takes and holds nothing:
 *
 * <ul>
 *   <li>the buckets refuse, or fail, while the reservation was held: it is released (the ledger
 *       shows the reservation and its release with outcome {@code rate_limited}; nothing is
 *       charged, and the caller's {@code Idempotency-Key} is free for the retry) and the call fails
 *       with 429 {@code RATE_LIMITED}, or the buckets' failure;
 *   <li>the buckets took while the budget refused, the call repeats one already made (a replayed
 *       reservation, which belongs to that call and is left alone) or the reservation failed: the
 *       request and the tokens go back to the buckets ({@link
 *       com.infrafabric.governor.keys.VirtualKeys#giveBack}).
 * </ul>
 *
 * <p>A reservation the store did not answer (sent, its outcome unknown) may have been made: the
 * call fails, never sent to a provider, and the reserve is resent in the background, same key and
 * content, until the store answers (a resend whose first attempt ran is answered that attempt's
 * result); a hold it finds is released ({@link #recover}). Left to its expiry, a service's hold is
 * charged its worst case for a call never made.
 *
 * <p>When both refuse, the rate limit answers, as it did when it was asked first. An undo that
 * cannot reach the store is not retried here: a release is retried by {@link Settlement} while the
 * store is unreachable, and then left to the reservation's expiry; tokens not given back refill
 * within the minute. A JWT caller has no key buckets (the platform's per-principal limit was taken
 * before the body was read): its admission is the reservation alone.
 */
final class CallAdmission {

  private static final RateDecision NO_KEY = new RateDecision(true, 0, Duration.ZERO, "none");
  private static final String RATE_LIMITED = "rate_limited";
  private static final String RESERVE_UNANSWERED = "reserve_unanswered";

  /**
   * How long a reserve that got no answer is resent while the store cannot be reached: far past any
   * reservation's lifetime, yet a bound, so that no resend outlives an outage forever.
   */
  static final Duration RECOVERY_LIMIT = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(CallAdmission.class);

  private final MeteredCalls calls;
  private final GatewayCaller caller;
  private final long tokens;
  private final String callId;

  /**
   * @param tokens what the key's tokens-per-minute bucket takes: the call's worst case ({@link
   *     CallRequest#worstCaseTokens})
   * @param callId names the release of a reservation the buckets refused
   */
  CallAdmission(MeteredCalls calls, GatewayCaller caller, long tokens, String callId) {
    this.calls = calls;
    this.caller = caller;
    this.tokens = tokens;
    this.callId = callId;
  }

  /**
   * The reservation's outcome if the buckets admitted the call; failed with 429 {@code
   * RATE_LIMITED} if they did not. A refusal the buckets already stand on (a flood past its limit
   * within the wait it was told) is answered at once: no reservation is made and released for it.
   */
  Future<ReserveOutcome> admit(ReserveRequest request) {
    Future<RateDecision> limit =
        caller
            .key()
            .map(key -> calls.keys.admit(key, tokens))
            .orElse(Future.succeededFuture(NO_KEY));
    if (RateDecision.refusedAlready(limit)) {
      // A refusal standing on this node: nothing taken, nothing to reserve and give back.
      return Future.failedFuture(GatewayErrors.rateLimited(limit.result()));
    }
    Future<ReserveOutcome> reservation = calls.engine.reserve(request);
    return Future.join(limit, reservation)
        .transform(
            both -> {
              if (reservation.failed()
                  && RedisUnavailableException.isOutcomeUnknown(reservation.cause())) {
                recover(request);
              }
              return decide(limit, reservation, request.idempotencyKey());
            });
  }

  /**
   * Resends {@code request}, whose outcome is unknown, while the store cannot be reached (for up to
   * {@link #RECOVERY_LIMIT}), and releases the hold its answer names, if any: the call was never
   * sent. Its ledger outcome is {@code reserve_unanswered}.
   */
  private void recover(ReserveRequest request) {
    RetryUntil.settling(calls.vertx, calls.clock)
        .run(
            "gateway call " + callId + ": resending a reserve that got no answer",
            () -> calls.engine.reserve(request),
            outcome -> outcome.failed() && outcome.cause() instanceof RedisUnavailableException,
            calls.clock.instant().plus(RECOVERY_LIMIT))
        .onSuccess(
            resent -> {
              if (resent.last().succeeded() && resent.last().result() instanceof Reserved made) {
                new Settlement(
                        calls, made, caller.scope(), callId, request.idempotencyKey(), used -> {})
                    .release(new CallAttribution(caller.keyId(), "", -1, RESERVE_UNANSWERED));
              } else if (resent.last().failed()) {
                LOG.atWarn()
                    .log(
                        "gateway call {}: a reserve that got no answer was not resolved ({}); a"
                            + " hold it made expires",
                        callId,
                        resent.last().cause().getMessage());
              }
            });
  }

  private Future<ReserveOutcome> decide(
      Future<RateDecision> limit, Future<ReserveOutcome> reservation, IdempotencyKey key) {
    if (limit.failed()) {
      return release(reservation, key).transform(released -> Future.failedFuture(limit.cause()));
    }
    if (!limit.result().allowed()) {
      return release(reservation, key)
          .transform(released -> Future.failedFuture(GatewayErrors.rateLimited(limit.result())));
    }
    if (reservation.succeeded() && held(reservation.result())) {
      return reservation;
    }
    return giveBack().transform(givenBack -> reservation);
  }

  /**
   * Releases the reservation if this call holds one, freeing {@code key} for the call's retry;
   * never fails.
   */
  private Future<Void> release(Future<ReserveOutcome> reservation, IdempotencyKey key) {
    if (reservation.failed() || !held(reservation.result())) {
      return Future.succeededFuture();
    }
    Reserved reserved = (Reserved) reservation.result();
    // The buckets took nothing from a call they refused or failed on: nothing to put right.
    return new Settlement(calls, reserved, caller.scope(), callId, key, used -> {})
        .release(new CallAttribution(caller.keyId(), "", -1, RATE_LIMITED));
  }

  private Future<Void> giveBack() {
    return caller
        .key()
        .map(key -> calls.keys.giveBack(key, tokens))
        .orElse(Future.succeededFuture());
  }

  /** True if {@code outcome} is a hold this call made (not one an earlier call made). */
  private static boolean held(ReserveOutcome outcome) {
    return outcome instanceof Reserved reserved && !reserved.replayed();
  }
}
