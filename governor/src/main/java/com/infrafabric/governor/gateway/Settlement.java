package com.infrafabric.governor.gateway;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.CallAttribution;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one gateway call's reservation exactly once: a commit of what a provider that accepted the
 * call is charged ({@link Charge}), or a release when no provider accepted it (which frees the
 * caller's {@code Idempotency-Key} for a retry). Whichever comes first wins; a later one does
 * nothing, so a call is never charged twice however its stream ends. Each is retried a few times
 * under its own idempotency key; if the store stays unreachable, the reservation's expiry releases
 * it. Never fails its future.
 */
final class Settlement {

  private static final Logger LOG = LoggerFactory.getLogger(Settlement.class);
  private static final int ATTEMPTS = 3;

  private final BudgetEngine engine;
  private final ReservationId reservation;
  private final Scope within;
  private final String callId;
  private final IdempotencyKey reservedUnder;
  private final LongConsumer tokensUsed;
  private final AtomicBoolean settled = new AtomicBoolean();

  /**
   * @param callId unique per call: names the commit and the release for their retries
   * @param reservedUnder the caller's key the reservation was made under: a release forgets it, as
   *     the call it named was never made and its retry must not be refused as a repeat
   * @param tokensUsed told once, when the call settles, the tokens it used (none when released):
   *     the virtual key's tokens-per-minute bucket took the estimate and is put right with it
   */
  Settlement(
      BudgetEngine engine,
      ReservationId reservation,
      Scope within,
      String callId,
      IdempotencyKey reservedUnder,
      LongConsumer tokensUsed) {
    this.engine = engine;
    this.reservation = reservation;
    this.within = within;
    this.callId = callId;
    this.reservedUnder = reservedUnder;
    this.tokensUsed = tokensUsed;
  }

  /**
   * Charges {@code usage} on {@code model}, attributed in the ledger; empty if already settled or
   * the commit failed.
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
            attribution);
    return commit(request, 1);
  }

  /** Gives the reservation back, attributed in the ledger; nothing if already settled. */
  Future<Void> release(CallAttribution attribution) {
    if (!settled.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    tokensUsed.accept(0);
    return release(attribution, 1);
  }

  private Future<Optional<CommitResult>> commit(CommitRequest request, int attempt) {
    return engine
        .commit(request)
        .map(Optional::of)
        .recover(
            failure -> {
              if (attempt < ATTEMPTS) {
                return commit(request, attempt + 1);
              }
              LOG.atWarn()
                  .addKeyValue("reservation", reservation.toString())
                  .log(
                      "gateway call {} could not be committed: {}; its reservation expires",
                      callId,
                      failure.getMessage());
              return Future.succeededFuture(Optional.empty());
            });
  }

  private Future<Void> release(CallAttribution attribution, int attempt) {
    return engine
        .releaseUnmade(
            reservation,
            IdempotencyKey.of("gateway-release:" + callId),
            within,
            attribution,
            reservedUnder)
        .<Void>mapEmpty()
        .recover(
            failure -> {
              if (attempt < ATTEMPTS) {
                return release(attribution, attempt + 1);
              }
              LOG.atWarn()
                  .addKeyValue("reservation", reservation.toString())
                  .log(
                      "gateway call {} could not be released: {}; its reservation expires",
                      callId,
                      failure.getMessage());
              return Future.succeededFuture();
            });
  }
}
