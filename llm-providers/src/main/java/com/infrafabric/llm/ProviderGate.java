package com.infrafabric.llm;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Retries and the circuit breakers of one provider. A call is attempted up to {@code 1 +
 * maxRetries} times while attempts fail in a retryable way, with doubling backoff (a 429's {@code
 * Retry-After} is honoured up to four times the first backoff); the whole call counts once towards
 * the breakers ({@link ProviderBreakers}).
 *
 * <p>Every call is made for a tenant (the gateway's caller's, the chassis's invocation's), and the
 * breakers are the provider's and that tenant's: {@code breakerFailures} failed calls of one tenant
 * (a 429, a 5xx, a timeout or a connection that could not be made) open that tenant's breaker only;
 * the provider's, which refuses every tenant, opens once failures of two tenants at least, no
 * tenant's counting for more than half, reach {@code breakerFailures}. A 429 never counts towards
 * the provider's breaker: it says nothing of the provider's health (OpenAI answers one to any
 * single request over the organisation's tokens per minute), and one tenant's requests must not
 * close the provider for all the others; its {@code Retry-After} holds that tenant's calls off for
 * as long (at most {@code breakerReset}). An open breaker refuses calls at once, without reaching
 * the provider, until {@code breakerReset} has passed and one trial call succeeds.
 *
 * <p>Attempts of one call share the caller's one reservation; the gate knows nothing of budgets.
 * Final failures (a 4xx other than 429) end the call at once and count as answers: the provider
 * answered. An {@link ProviderReply.Unknown} (no answer once the request was sent), which is never
 * retried since the provider may have made and billed it, counts for nothing: a request can be slow
 * by itself. Neither does a fault on this side (an attempt that throws or fails its future instead
 * of replying, as a request no relay could read does): a provider's own failures always come as a
 * {@link ProviderReply.Failed}. The fault fails this call alone, unretried. Thread-safe.
 */
public final class ProviderGate {

  private final Vertx vertx;
  private final ProviderSettings settings;
  private final ProviderBreakers breakers;

  /**
   * @param clock when breakers open and how long they stay open are read from it
   */
  public ProviderGate(Vertx vertx, ProviderSettings settings, Clock clock) {
    this(vertx, settings, new ProviderBreakers(settings, clock, ProviderBreakers.MAX_TENANTS));
  }

  ProviderGate(Vertx vertx, ProviderSettings settings, ProviderBreakers breakers) {
    this.vertx = vertx;
    this.settings = settings;
    this.breakers = breakers;
  }

  /**
   * What a call of {@code tenant}'s gets now without being tried, if the provider's breaker or the
   * tenant's own is open: a final failure with the wait until the breaker lets a trial call through
   * (at least a second), so a client told to retry after it does not find it open.
   */
  public Optional<ProviderReply.Failed> refusal(String tenant) {
    return breakers.refusal(tenant).map(this::refused);
  }

  /** Runs {@code attempt} for {@code tenant} under the retry policy and the breakers. */
  public Future<ProviderReply> call(String tenant, Supplier<Future<ProviderReply>> attempt) {
    Optional<ProviderBreakers.Refusal> refused = breakers.admit(tenant);
    if (refused.isPresent()) {
      return Future.succeededFuture(refused(refused.get()));
    }
    return attempts(attempt, 0).andThen(done -> settle(tenant, done));
  }

  /** True while the provider's own breaker refuses every tenant's calls. */
  public boolean open() {
    return breakers.providerOpen();
  }

  /** How many tenants' own breakers of this provider refuse their calls now. */
  public int tenantsOpen() {
    return breakers.tenantsOpen();
  }

  /** Attempt {@code retry} and, while it fails in a retryable way, the retries left after it. */
  private Future<ProviderReply> attempts(Supplier<Future<ProviderReply>> attempt, int retry) {
    return attempted(attempt)
        .compose(
            reply -> {
              if (!(reply instanceof ProviderReply.Failed failed)
                  || !failed.retryable()
                  || retry == settings.maxRetries()) {
                return Future.succeededFuture(reply);
              }
              Promise<ProviderReply> retried = Promise.promise();
              vertx.setTimer(
                  backoffMillis(failed, retry + 1),
                  timer -> attempts(attempt, retry + 1).onComplete(retried));
              return retried.future();
            });
  }

  /** One attempt; one that throws is a failed future, as one that fails it. */
  private static Future<ProviderReply> attempted(Supplier<Future<ProviderReply>> attempt) {
    try {
      return attempt.get();
    } catch (RuntimeException fault) {
      return Future.failedFuture(fault);
    }
  }

  /** Tells the breakers what the call of {@code tenant}'s came to. */
  private void settle(String tenant, AsyncResult<ProviderReply> done) {
    ProviderReply reply = done.succeeded() ? done.result() : null;
    if (reply == null || reply instanceof ProviderReply.Unknown) {
      breakers.ended(tenant);
    } else if (reply instanceof ProviderReply.Failed failed && failed.retryable()) {
      if (failed.rateLimited()) {
        breakers.rateLimited(tenant, failed.retryAfter());
      } else {
        breakers.failed(tenant);
      }
    } else {
      breakers.answered(tenant);
    }
  }

  private ProviderReply.Failed refused(ProviderBreakers.Refusal refusal) {
    long seconds = Math.max(1, (refusal.retryAfter().toMillis() + 999) / 1000);
    String reason =
        refusal.tenantOnly()
            ? settings.name()
                + " failed or rate-limited this tenant's latest calls; its circuit breaker is"
                + " open for this tenant's calls"
            : settings.name() + " is failing; its circuit breaker is open";
    return new ProviderReply.Failed(
        false, false, false, reason, Optional.of(Duration.ofSeconds(seconds)));
  }

  private long backoffMillis(ProviderReply.Failed failed, int retry) {
    long first = settings.retryBackoff().toMillis();
    long wait =
        failed
            .retryAfter()
            .map(asked -> Math.min(asked.toMillis(), 4 * first))
            .orElse(first << Math.min(retry - 1, 10));
    return Math.max(1, wait);
  }
}
