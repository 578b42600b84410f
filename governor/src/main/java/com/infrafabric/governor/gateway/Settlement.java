package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.redis.RedisUnavailableException;
import com.infrafabric.platform.retry.RetryUntil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one gateway call's reservation exactly once: a commit of what a provider that accepted the
 * call is charged ({@link Charge}), or a release when no provider accepted it (which frees the
 * caller's {@code Idempotency-Key} for a retry). Whichever comes first wins; a later one does
 * nothing, so a call is never charged twice however its stream ends.
 *
 * <p>The reservation is the gateway's ({@link MeteredCalls#HOLDER}): no token, whatever subtree it
 * covers, can commit or release it while the call is with its provider. Should it have ended
 * otherwise all the same (a reservation recorded before holders were), the commit is charged as a
 * late one is ({@link com.infrafabric.governor.budget.BudgetEngine#commit}), never lost.
 *
 * <p>While the store cannot be reached, each is retried with backoff under its own idempotency key
 * (a retry whose earlier attempt did run is answered that attempt's result, never applied again),
 * until {@link #EXPIRY_MARGIN} before the reservation's expiry: the expiry commits the gateway's
 * hold at its whole amount, the call's worst case (see {@link
 * com.infrafabric.governor.budget.ReservationHolder#service}), so a settlement that comes later
 * changes nothing. Its last attempt is sent early enough to run before that; only a store
 * unreachable for the reservation's whole lifetime (or a node that dies first) leaves the call to
 * its expiry, which charges it that worst case whether or not a provider billed it (logged as an
 * error: an operator refunds the difference). Never fails its futures; they complete once the
 * settlement is made or given up.
 */
final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);

  /**
   * How long before the reservation's expiry the last attempt is sent: well over the time a command
   * waits for its answer (1 s by default), so that attempt runs before the expiry commits the hold
   * at its worst case.
   */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);

  private final MeteredCalls calls;
  private final ReservationId reservation;
  private final Instant lastAttempt;
  private final Scope within;
  private final String callId;
  private final IdempotencyKey reservedUnder;
  private final LongConsumer tokensUsed;
  private final AtomicBoolean settled = new AtomicBoolean();
  private final Promise<Void> done = Promise.promise();

  /**
   * @param reserved the call's reservation: its id and its expiry, which bounds the retries
   * @param callId unique per call: names the commit and the release for their retries
   * @param reservedUnder the caller's key the reservation was made under: a release forgets it, as
   *     the call it named was never made and its retry must not be refused as a repeat
   * @param tokensUsed told once, when the call settles, the tokens it used (none when released):
   *     the virtual key's tokens-per-minute bucket took the call's worst case and is put right with
   *     it
   */
  Settlement(
      MeteredCalls calls,
      Reserved reserved,
      Scope within,
      String callId,
      IdempotencyKey reservedUnder,
      LongConsumer tokensUsed) {
    this.calls = calls;
    this.reservation = reserved.id();
    this.lastAttempt = reserved.expiresAt().minus(EXPIRY_MARGIN);
    this.within = within;
    this.callId = callId;
    this.reservedUnder = reservedUnder;
    this.tokensUsed = tokensUsed;
  }

  /**
   * Charges {@code usage} on {@code model}, attributed in the ledger; empty if already settled or
   * the commit was given up, which is logged as an error: the reservation's expiry then charges the
   * call its worst case rather than what it used.
   */
  Future<Optional<CommitResult>> commit(
      String model, TokenUsage usage, CallAttribution attribution) {
    if (!settled.compareAndSet(false, true)) {
      return Future.succeededFuture(Optional.empty());
    }
    tokensUsed.accept(usage.inputTokens() + usage.cachedInputTokens() + usage.outputTokens());
    CommitRequest request =
        new CommitRequest(
            reservation,
            Spend.tokens(model, usage),
            IdempotencyKey.of("gateway-commit:" + callId),
            within,
            MeteredCalls.HOLDER,
            attribution);
    return retried(
            () -> calls.engine.commit(request),
            why ->
                LOG.atError()
                    .addKeyValue("reservation", reservation.toString())
                    .log(
                        "gateway call {} was answered but its usage is NOT committed: its commit of"
                            + " {} {} failed {}; the reservation's expiry charges the call its"
                            + " worst case instead (refund the difference by hand)",
                        callId,
                        model,
                        usage,
                        why))
        .onComplete(committed -> done.tryComplete());
  }

  /**
   * Gives the reservation back, attributed in the ledger; nothing if already settled. One given up
   * is left to the reservation's expiry, which charges the call its worst case, as the store cannot
   * tell a call never made from one whose commit never came: logged as an error, for an operator to
   * refund.
   */
  Future<Void> release(CallAttribution attribution) {
    if (!settled.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    tokensUsed.accept(0);
    return retried(
            () ->
                calls.engine.releaseUnmade(
                    reservation,
                    IdempotencyKey.of("gateway-release:" + callId),
                    within,
                    MeteredCalls.HOLDER,
                    attribution,
                    reservedUnder),
            why ->
                LOG.atError()
                    .addKeyValue("reservation", reservation.toString())
                    .log(
                        "gateway call {} reached no provider but could not be released: it failed"
                            + " {}; the reservation's expiry charges it its worst case (refund it"
                            + " by hand)",
                        callId,
                        why))
        .onComplete(released -> done.tryComplete())
        .mapEmpty();
  }

  /**
   * Completes once the reservation's one commit or release has its answer from the store (or gave
   * up); never fails.
   */
  Future<Void> done() {
    return done.future();
  }

  /**
   * {@code attempt}'s result, the attempt retried ({@link RetryUntil#settling}) while the store
   * cannot be reached and the retry can still be sent before {@link #lastAttempt}; empty once given
   * up, after {@code givenUp} is told why.
   */
  private <T> Future<Optional<T>> retried(Supplier<Future<T>> attempt, Consumer<String> givenUp) {
    return RetryUntil.settling(calls.vertx, calls.clock)
        .run(
            "gateway call " + callId + ": settling",
            attempt,
            outcome -> outcome.failed() && outcome.cause() instanceof RedisUnavailableException,
            lastAttempt)
        .map(
            ended -> {
              if (ended.last().succeeded()) {
                return Optional.of(ended.last().result());
              }
              Throwable failure = ended.last().cause();
              givenUp.accept(
                  why(failure, ended.attempts(), failure instanceof RedisUnavailableException));
              return Optional.empty();
            });
  }

  private String why(Throwable failure, int attempts, boolean storeDown) {
    return storeDown
        ? attempts
            + " times, the store unreachable until "
            + EXPIRY_MARGIN.toSeconds()
            + " s before the reservation expires at "
            + lastAttempt.plus(EXPIRY_MARGIN)
            + " ("
            + failure.getMessage()
            + ")"
        : "(" + failure.getMessage() + "; the store answered, so it is not retried)";
  }
}
