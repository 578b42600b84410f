package com.infrafabric.chassis.internal.llm;

import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.grant.GrantLedger;
import com.infrafabric.chassis.llm.BudgetPort;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.llm.ChatCompletion;
import com.infrafabric.llm.ChatRequest;
import com.infrafabric.llm.ProviderReply;
import com.infrafabric.llm.ProviderRoute;
import com.infrafabric.llm.vault.CredentialOwner;
import com.infrafabric.llm.vault.CredentialStore;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.platform.retry.RetryUntil;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.reservation.BudgetRequest;
import com.infrafabric.wire.reservation.CommitResult;
import com.infrafabric.wire.reservation.ReleaseResult;
import com.infrafabric.wire.reservation.ReserveResult;
import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LLM call from reservation to settlement. In order: a provider must serve the model and its
 * breaker be closed; the governor reserves the worst-case cost (estimated input, {@code max_tokens}
 * output) on the grant's budget scope; the same amount is held against the grant's cost cap; the
 * provider is called under its retries and breaker, every attempt sharing that one reservation; the
 * reported usage is committed with a key derived from the reservation, so a repeated commit never
 * charges twice; the grant's hold is settled to the actual cost. Any failure after the reservation
 * releases it and the grant's hold before the tool hears of it. A provider's key is the operator's
 * credential; it is guarded by the calling invocation's {@link GuestBoundary} before the call, so
 * neither an answer nor an error that repeats it reaches the tool.
 *
 * <p>Thread-safe; never blocks.
 */
public final class LlmGateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LlmGateway.class);
  private static final Duration RESERVATION_MARGIN = Duration.ofSeconds(30);

  /**
   * How long before its reservation expires a settlement's last attempt is sent: over a governor's
   * answer time, so that attempt lands before the expiry, which commits the chassis's hold at its
   * whole amount (the call's worst case, whatever it used or whether it was made at all).
   */
  static final Duration SETTLE_MARGIN = Duration.ofSeconds(5);

  private final Map<String, ProviderRoute> byModel;
  private final Optional<BudgetPort> budget;
  private final GrantLedger ledger;
  private final Optional<CredentialStore> credentials;
  private final RetryUntil settling;

  /**
   * @param byModel the route of each model served
   * @param budget where costs are reserved; without it no call is made
   * @param credentials opens provider keys; without it only the offline provider works
   * @param settling how a commit or release the governor could not take is sent again, until {@link
   *     #SETTLE_MARGIN} before its reservation expires
   */
  public LlmGateway(
      Map<String, ProviderRoute> byModel,
      Optional<BudgetPort> budget,
      GrantLedger ledger,
      Optional<CredentialStore> credentials,
      RetryUntil settling) {
    this.byModel = Map.copyOf(byModel);
    this.budget = budget;
    this.ledger = ledger;
    this.credentials = credentials;
    this.settling = settling;
  }

  /** The invocation a call is for: how it is cancelled, and where its secrets are guarded. */
  private record Call(Cancellation cancellation, GuestBoundary boundary) {}

  /**
   * A call's reservation and the grant's hold for it, once both are made, with the model it was
   * priced for (the provider may name the model differently in its answer) and the worst-case usage
   * it was priced at.
   */
  private record Held(
      ReserveResult.Reserved reservation,
      long grantRemainingMicros,
      String model,
      TokenUsage worstCase,
      Instant settleBy) {}

  /**
   * Makes the call {@code request} under {@code grant} for the invocation behind {@code boundary};
   * always a value, never a failed future. {@code grantToken} is the grant as the governor signed
   * it: the reservation carries it, for the governor holds the chassis service's reservations only
   * under a grant it signed.
   */
  public Future<LlmOutcome> complete(
      Grant grant,
      String grantToken,
      ChatRequest request,
      Cancellation cancellation,
      GuestBoundary boundary) {
    ProviderRoute route = byModel.get(request.model());
    if (route == null) {
      return refused(AbiError.MODEL_NOT_ALLOWED, "no provider serves model " + request.model());
    }
    Optional<ProviderReply.Failed> breakerOpen =
        route.gate().refusal(grant.tenant(), request.model());
    if (breakerOpen.isPresent()) {
      return refused(AbiError.PROVIDER_UNAVAILABLE, breakerOpen.get().reason());
    }
    if (budget.isEmpty()) {
      return refused(AbiError.UNAVAILABLE, "this chassis has no budget connection");
    }
    Instant now = settling.clock().instant();
    if (!now.isBefore(grant.expiresAt())) {
      return refused(AbiError.DENIED, "the grant expired at " + grant.expiresAt());
    }
    BudgetRequest ask =
        new BudgetRequest(
            grant.budgetScope(),
            request.model(),
            request.worstCaseInputTokens(),
            request.maxTokens(),
            holdFor(route, grant, now),
            "llm-" + UUID.randomUUID(),
            Optional.of(grantToken));
    Instant settleBy = now.plus(ask.ttl()).minus(SETTLE_MARGIN);
    return budget
        .get()
        .reserve(ask)
        .compose(
            reserved -> {
              if (reserved instanceof ReserveResult.Unavailable) {
                reclaim(ask, settleBy);
              }
              return afterReserve(
                  grant, route, request, new Call(cancellation, boundary), reserved, settleBy);
            });
  }

  /**
   * Gives back, in the background, the hold a reserve whose answer never came may have made: the
   * call is refused and never made, and a hold of the chassis still open at its expiry is charged
   * its whole amount. The same reserve is sent again under its idempotency key until the governor
   * answers (a replay answers the earlier attempt's hold, if it made one; else this one makes it),
   * and whatever hold that names is released.
   */
  private void reclaim(BudgetRequest ask, Instant settleBy) {
    settling
        .run(
            "reservation " + ask.idempotencyKey() + ": reclaiming",
            () -> budget.get().reserve(ask),
            outcome -> outcome.succeeded() && outcome.result() instanceof ReserveResult.Unavailable,
            settleBy)
        .onSuccess(
            ended -> {
              if (ended.last().succeeded()
                  && ended.last().result() instanceof ReserveResult.Reserved made) {
                release(made, settleBy);
              }
            });
  }

  @Override
  public void close() {
    byModel.values().stream().distinct().forEach(ProviderRoute::close);
  }

  /**
   * How long a call's reservation lasts: the provider's worst case and a margin, but never past the
   * grant's expiry, which the governor refuses a hold of the grant to outlive.
   */
  private static Duration holdFor(ProviderRoute route, Grant grant, Instant now) {
    Duration worstCase = route.settings().worstCase().plus(RESERVATION_MARGIN);
    Duration grantLeft = Duration.between(now, grant.expiresAt());
    return worstCase.compareTo(grantLeft) <= 0 ? worstCase : grantLeft;
  }

  private Future<LlmOutcome> afterReserve(
      Grant grant,
      ProviderRoute route,
      ChatRequest request,
      Call call,
      ReserveResult result,
      Instant settleBy) {
    if (result instanceof ReserveResult.Denied denied) {
      return refused(AbiError.BUDGET_DENIED, denied.reason(), denied.remainingMicros());
    }
    if (result instanceof ReserveResult.Unavailable unavailable) {
      return refused(AbiError.UNAVAILABLE, unavailable.reason());
    }
    ReserveResult.Reserved reserved = (ReserveResult.Reserved) result;
    return ledger
        .hold(grant, reserved.amountMicros())
        .compose(
            hold -> {
              if (!(hold instanceof GrantLedger.Hold.Held granted)) {
                return release(reserved, settleBy).compose(done -> notHeld(grant, reserved, hold));
              }
              Held held =
                  new Held(
                      reserved,
                      granted.remainingMicros(),
                      request.model(),
                      new TokenUsage(request.worstCaseInputTokens(), 0, request.maxTokens()),
                      settleBy);
              return call(grant, route, request, call, held);
            },
            failure ->
                release(reserved, settleBy)
                    .compose(
                        done ->
                            refused(
                                AbiError.UNAVAILABLE,
                                "the grant's spend could not be recorded: "
                                    + failure.getMessage())));
  }

  private Future<LlmOutcome> call(
      Grant grant, ProviderRoute route, ChatRequest request, Call call, Held held) {
    return key(route, call.boundary())
        .compose(
            key -> {
              if (route.settings().credential().isPresent() && key.isEmpty()) {
                return Future.succeededFuture(
                    (ProviderReply)
                        ProviderReply.Failed.finalFailure(
                            "the key of "
                                + route.settings().name()
                                + " (credential "
                                + route.settings().credential().get()
                                + ") is not in the vault"));
              }
              return route
                  .gate()
                  .call(
                      grant.tenant(),
                      request.model(),
                      () -> route.provider().complete(request, key, call.cancellation()));
            },
            failure ->
                Future.succeededFuture(
                    ProviderReply.Failed.finalFailure(
                        "the key of " + route.settings().name() + " could not be read")))
        .compose(
            reply -> {
              if (reply instanceof ProviderReply.Answered answered) {
                return settle(grant, answered.completion(), held);
              }
              if (reply instanceof ProviderReply.Unknown unknown) {
                return settledAsReserved(grant, held, unknown.reason());
              }
              if (reply instanceof ProviderReply.Unreadable unreadable) {
                return settledAsReserved(grant, held, unreadable.reason());
              }
              return undo(grant, held).compose(done -> failedCall(failure(reply)));
            });
  }

  /**
   * A call the provider has and never answered (in time, or readably), {@code why}: it may bill it,
   * so it is charged what was reserved for it, never released, and the tool is told it timed out.
   */
  private Future<LlmOutcome> settledAsReserved(Grant grant, Held held, String why) {
    ReserveResult.Reserved reserved = held.reservation();
    return commit(held, held.worstCase())
        .compose(
            result -> {
              long charged =
                  result instanceof CommitResult.Committed committed
                      ? committed.actualMicros()
                      : reserved.amountMicros();
              return ledger
                  .settle(grant, reserved.amountMicros(), charged)
                  .otherwise(failure -> null)
                  .compose(
                      settled ->
                          refused(
                              AbiError.TIMEOUT,
                              why
                                  + "; the provider may bill the call, so it was charged as"
                                  + " reserved, "
                                  + charged
                                  + " micro-dollars"));
            });
  }

  /** The provider's key, the operator's credential, guarded before anything is sent with it. */
  private Future<Optional<OpenedCredential>> key(ProviderRoute route, GuestBoundary boundary) {
    Optional<String> name = route.settings().credential();
    if (name.isEmpty() || credentials.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return credentials
        .get()
        .open(CredentialOwner.operator(), name.get())
        .onSuccess(key -> key.ifPresent(boundary::guard));
  }

  /**
   * Commits what the provider reported, held to the call's worst case (a provider's report above it
   * is not what it can bill: a provider that miscounts must not spend past the caps).
   */
  private Future<LlmOutcome> settle(Grant grant, ChatCompletion completion, Held held) {
    ReserveResult.Reserved reserved = held.reservation();
    TokenUsage worstCase = held.worstCase();
    TokenUsage billed = completion.usage().within(worstCase);
    if (!billed.equals(completion.usage())) {
      LOG.atWarn()
          .addKeyValue("reservation", reserved.reservationId())
          .log(
              "the provider reported usage {} above the call's worst case {}; charged at it",
              completion.usage(),
              worstCase);
    }
    return commit(held, billed)
        .compose(
            result -> {
              if (result instanceof CommitResult.Committed committed) {
                long actual = committed.actualMicros();
                long grantLeft =
                    Math.max(0, held.grantRemainingMicros() + reserved.amountMicros() - actual);
                LlmOutcome completed =
                    new LlmOutcome.Completed(
                        completion, actual, Math.min(committed.remainingMicros(), grantLeft));
                return ledger
                    .settle(grant, reserved.amountMicros(), actual)
                    .map(completed)
                    .otherwise(
                        failure -> {
                          LOG.warn(
                              "the grant's hold could not be settled to the actual cost: {}",
                              failure.getMessage());
                          return completed;
                        });
              }
              LOG.atWarn()
                  .addKeyValue("reservation", reserved.reservationId())
                  .log(
                      "the usage of reservation {} could not be committed: {}; the held amount"
                          + " stays counted against the grant, and the reservation's expiry charges"
                          + " the budget all of it",
                      reserved.reservationId(),
                      result);
              return Future.succeededFuture(
                  new LlmOutcome.Completed(
                      completion,
                      reserved.amountMicros(),
                      Math.min(reserved.remainingMicros(), held.grantRemainingMicros())));
            });
  }

  /**
   * Commits {@code usage} on the call's model (see {@link #commitOnce}). A commit the governor
   * refuses because it would pass the grant's cost cap ({@link CommitResult.Capped}) is committed
   * once more at the worst case the hold was priced at, which the cap always allows, under a key of
   * its own: it is never sent again unchanged (the refusal is final) nor left to hold the budget
   * until its expiry. What the cap kept uncharged is logged as a discrepancy for the operator.
   */
  private Future<CommitResult> commit(Held held, TokenUsage usage) {
    return commitOnce(held, usage, ":commit")
        .compose(
            result -> {
              if (!(result instanceof CommitResult.Capped capped)) {
                return Future.succeededFuture(result);
              }
              LOG.atWarn()
                  .addKeyValue("reservation", held.reservation().reservationId())
                  .log(
                      "the governor refused to commit reservation {} at usage {}: the grant's cost"
                          + " cap allows it {} micro-dollars at most; committing it at its hold of {}"
                          + " instead, and the difference to what the provider bills is"
                          + " uncharged",
                      held.reservation().reservationId(),
                      usage,
                      capped.maxCommitMicros(),
                      held.reservation().amountMicros());
              return commitOnce(held, held.worstCase(), ":commit-at-hold");
            });
  }

  /**
   * Commits {@code usage} on the call's model under the reservation's id and {@code keySuffix},
   * sent again while the governor cannot take it, until {@link Held#settleBy}: a commit tried a few
   * times back to back failed within a millisecond against a store that blinked, and the call the
   * provider answered went uncharged.
   */
  private Future<CommitResult> commitOnce(Held held, TokenUsage usage, String keySuffix) {
    ReserveResult.Reserved reserved = held.reservation();
    return settling
        .run(
            "reservation " + reserved.reservationId() + ": committing",
            () ->
                budget
                    .get()
                    .commit(
                        reserved.reservationId(),
                        held.model(),
                        usage,
                        reserved.reservationId() + keySuffix),
            outcome -> outcome.succeeded() && outcome.result() instanceof CommitResult.Unavailable,
            held.settleBy())
        .compose(
            ended ->
                ended.last().succeeded()
                    ? Future.succeededFuture(ended.last().result())
                    : Future.failedFuture(ended.last().cause()));
  }

  /** Releases the reservation and the grant's hold; the call will not happen or has failed. */
  private Future<Void> undo(Grant grant, Held held) {
    return Future.all(
            release(held.reservation(), held.settleBy()),
            ledger
                .unhold(grant, held.reservation().amountMicros())
                .recover(
                    failure -> {
                      LOG.warn("a grant hold could not be released: {}", failure.getMessage());
                      return Future.succeededFuture();
                    }))
        .mapEmpty();
  }

  /** Releases {@code reserved}, sent again while the governor cannot take it, until {@code by}. */
  private Future<Void> release(ReserveResult.Reserved reserved, Instant by) {
    return settling
        .run(
            "reservation " + reserved.reservationId() + ": releasing",
            () ->
                budget
                    .get()
                    .release(reserved.reservationId(), reserved.reservationId() + ":release"),
            outcome -> outcome.succeeded() && outcome.result() instanceof ReleaseResult.Unavailable,
            by)
        .map(
            ended -> {
              if (ended.last().succeeded()
                  && ended.last().result() instanceof ReleaseResult.Unavailable unavailable) {
                LOG.atWarn()
                    .addKeyValue("reservation", reserved.reservationId())
                    .log(
                        "reservation {} could not be released ({}); its expiry charges all of it"
                            + " (refund by hand: the call was not made)",
                        reserved.reservationId(),
                        unavailable.reason());
              }
              return null;
            });
  }

  /**
   * A reply that is not a completion as a failure; the providers this gateway calls answer
   * completions, never an opened or refused relay.
   */
  private static ProviderReply.Failed failure(ProviderReply reply) {
    return reply instanceof ProviderReply.Failed failed
        ? failed
        : ProviderReply.Failed.finalFailure("the provider's reply is not a completion");
  }

  private static Future<LlmOutcome> failedCall(ProviderReply.Failed failed) {
    return refused(
        failed.timedOut() ? AbiError.TIMEOUT : AbiError.PROVIDER_UNAVAILABLE, failed.reason());
  }

  /** The refusal of a call whose cost the grant did not hold: capped, or revoked. */
  private static Future<LlmOutcome> notHeld(
      Grant grant, ReserveResult.Reserved reserved, GrantLedger.Hold hold) {
    if (hold instanceof GrantLedger.Hold.Revoked revoked) {
      return refused(
          AbiError.DENIED, "the grant was revoked: its task's lease ended (" + revoked.how() + ")");
    }
    long remaining = ((GrantLedger.Hold.Denied) hold).remainingMicros();
    return refused(
        AbiError.BUDGET_DENIED, capMessage(grant, reserved.amountMicros(), remaining), remaining);
  }

  private static String capMessage(Grant grant, long needed, long remaining) {
    return "the grant's cost cap of "
        + grant.costCapMicros()
        + " micro-dollars has "
        + remaining
        + " left; the call needs "
        + needed;
  }

  private static Future<LlmOutcome> refused(AbiError error, String message) {
    return Future.succeededFuture(new LlmOutcome.Refused(error, message, OptionalLong.empty()));
  }

  private static Future<LlmOutcome> refused(AbiError error, String message, long remaining) {
    return Future.succeededFuture(
        new LlmOutcome.Refused(error, message, OptionalLong.of(remaining)));
  }
}
