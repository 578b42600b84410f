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
 * <p>Every call is made for a tenant (the gateway's caller's, the chassis's invocation's) and of a
 * model, and the breakers are the provider's, that tenant's and that tenant's of that model ({@link
 * ProviderBreakers}): {@code breakerFailures} failed calls of one tenant (a 5xx, a timeout or a
 * connection that could not be made) open that tenant's breaker only; the provider's, which refuses
 * every tenant, opens once failures of two tenants at least, no tenant's counting for more than
 * half, reach {@code breakerFailures}. A 429 counts towards neither: it says nothing of the
 * provider's health (OpenAI answers one to any single request over the organisation's tokens per
 * minute), one tenant's requests must not close the provider for all the others, and providers
 * limit rates per model; it counts towards that tenant's breaker of that model, and its {@code
 * Retry-After} holds that tenant's calls of that model off for as long (at most {@code
 * breakerReset}), so an alias goes on to its next model, on this provider or another. An open
 * breaker refuses calls at once, without reaching the provider, until {@code breakerReset} has
 * passed and one trial call succeeds; its refusal says which breaker it is.
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
   * What a call of {@code tenant}'s of {@code model} gets now without being tried, if a breaker it
   * passes is open (the provider's, the tenant's, or the tenant's of that model): a final failure
   * naming that breaker, with the wait until it lets a trial call through (at least a second), so a
   * client told to retry after it does not find it open.
   */
  public Optional<ProviderReply.Failed> refusal(String tenant, String model) {
    return breakers.refusal(tenant, model).map(refusal -> refused(refusal, model));
  }

  /**
   * Runs {@code attempt}, a call of {@code tenant}'s of {@code model}, under the retry policy and
   * the breakers.
   */
  public Future<ProviderReply> call(
      String tenant, String model, Supplier<Future<ProviderReply>> attempt) {
    Optional<ProviderBreakers.Refusal> refused = breakers.admit(tenant, model);
    if (refused.isPresent()) {
      return Future.succeededFuture(refused(refused.get(), model));
    }
    return attempts(attempt, 0).andThen(done -> settle(tenant, model, done));
  }

  /** True while the provider's own breaker refuses every tenant's calls. */
  public boolean open() {
    return breakers.providerOpen();
  }

  /**
   * How many tenants have calls refused now by a breaker of their own: theirs of this provider, or
   * theirs of one of its models.
   */
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

  /** Tells the breakers what the call of {@code tenant}'s of {@code model} came to. */
  private void settle(String tenant, String model, AsyncResult<ProviderReply> done) {
    ProviderReply reply = done.succeeded() ? done.result() : null;
    if (reply == null || reply instanceof ProviderReply.Unknown) {
      breakers.ended(tenant, model);
    } else if (reply instanceof ProviderReply.Failed failed && failed.retryable()) {
      if (failed.rateLimited()) {
        breakers.rateLimited(tenant, model, failed.retryAfter());
      } else {
        breakers.failed(tenant, model);
      }
    } else {
      breakers.answered(tenant, model);
    }
  }

  private ProviderReply.Failed refused(ProviderBreakers.Refusal refusal, String model) {
    long seconds = Math.max(1, (refusal.retryAfter().toMillis() + 999) / 1000);
    String name = settings.name();
    String reason =
        switch (refusal.by()) {
          case PROVIDER -> name + " is failing; its circuit breaker is open";
          case TENANT ->
              name
                  + " failed this tenant's latest calls; its circuit breaker is open for this"
                  + " tenant's calls";
          case RATE_LIMIT ->
              name
                  + " rate-limited this tenant's latest calls of "
                  + model
                  + " (429); its calls of that model are held off as the provider asked"
                  + " (Retry-After), not for a failure of the provider";
        };
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
