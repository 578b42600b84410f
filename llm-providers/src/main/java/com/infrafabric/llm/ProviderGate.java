package com.infrafabric.llm;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Retries and the circuit breaker of one provider (Vert.x circuit breaker). A call is attempted up
 * to {@code 1 + maxRetries} times while attempts fail in a retryable way, with doubling backoff (a
 * 429's {@code Retry-After} is honoured up to four times the first backoff); the whole call counts
 * once towards the breaker. After {@code breakerFailures} failed calls without a success the
 * breaker opens: calls fail at once, without reaching the provider, until {@code breakerReset} has
 * passed and one trial call succeeds.
 *
 * <p>Attempts of one call share the caller's one reservation; the gate knows nothing of budgets.
 * Final failures (a 4xx other than 429) end the call at once and do not count against the provider:
 * it answered. Neither does an {@link ProviderReply.Unknown} (no answer once the request was sent),
 * which is never retried: the provider may have made and billed it, and a request can be slow by
 * itself, so a caller that asks for long answers cannot open the breaker for everyone. Nor does a
 * fault on this side (an attempt that throws or fails its future instead of replying, as a request
 * no relay could read does): a provider's own failures always come as a {@link
 * ProviderReply.Failed}, and the breaker is shared by every caller, so one caller's bad request
 * must not open it for all the others. The fault fails this call alone, unretried. Thread-safe.
 */
public final class ProviderGate implements AutoCloseable {

  /** Failures are counted over this window; a success resets the count. */
  private static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

  private final CircuitBreaker breaker;
  private final ProviderSettings settings;

  /** When the breaker last opened ({@link System#nanoTime}); what a refusal's wait counts from. */
  private volatile long openedAt = System.nanoTime();

  public ProviderGate(Vertx vertx, ProviderSettings settings) {
    this.settings = settings;
    CircuitBreakerOptions options =
        new CircuitBreakerOptions()
            .setMaxFailures(settings.breakerFailures())
            .setMaxRetries(settings.maxRetries())
            .setTimeout(-1)
            .setResetTimeout(settings.breakerReset().toMillis())
            .setFailuresRollingWindow(FAILURE_WINDOW.toMillis())
            .setNotificationAddress(null);
    this.breaker =
        CircuitBreaker.create("llm-" + settings.name(), vertx, options)
            .retryPolicy(this::backoffMillis)
            .openHandler(opened -> openedAt = System.nanoTime());
  }

  /** True while the breaker refuses calls without trying. */
  public boolean open() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  /** Runs {@code attempt} under the retry policy and the breaker. */
  public Future<ProviderReply> call(Supplier<Future<ProviderReply>> attempt) {
    return breaker
        .<Attempt>execute(() -> attempted(attempt).compose(ProviderGate::failIfRetryable))
        .recover(this::asAttempt)
        .compose(
            done ->
                done.fault() == null
                    ? Future.succeededFuture(done.reply())
                    : Future.failedFuture(done.fault()));
  }

  @Override
  public void close() {
    breaker.close();
  }

  /**
   * One attempt, its fault carried as a success of the breaker's, so the breaker counts only what
   * the provider replied.
   */
  private static Future<Attempt> attempted(Supplier<Future<ProviderReply>> attempt) {
    Future<ProviderReply> reply;
    try {
      reply = attempt.get();
    } catch (RuntimeException fault) {
      reply = Future.failedFuture(fault);
    }
    return reply.map(Attempt::replied).otherwise(Attempt::faulted);
  }

  private static Future<Attempt> failIfRetryable(Attempt attempt) {
    return attempt.reply() instanceof ProviderReply.Failed failed && failed.retryable()
        ? Future.failedFuture(new Retryable(failed))
        : Future.succeededFuture(attempt);
  }

  private Future<Attempt> asAttempt(Throwable failure) {
    if (failure instanceof Retryable retryable) {
      return Future.succeededFuture(Attempt.replied(retryable.reply));
    }
    if (failure instanceof OpenCircuitException) {
      return Future.succeededFuture(Attempt.replied(openReply()));
    }
    return Future.failedFuture(failure);
  }

  /** What an attempt came to: the provider's reply, or a fault on this side (then no reply). */
  private record Attempt(ProviderReply reply, Throwable fault) {
    static Attempt replied(ProviderReply reply) {
      return new Attempt(reply, null);
    }

    static Attempt faulted(Throwable fault) {
      return new Attempt(null, fault);
    }
  }

  /**
   * What a call gets while the breaker is open: final, with the wait until the breaker lets a trial
   * call through (at least a second), so a client told to retry after it does not find it open.
   */
  public ProviderReply.Failed openReply() {
    Duration open = Duration.ofNanos(System.nanoTime() - openedAt);
    Duration left = settings.breakerReset().minus(open);
    long seconds = Math.max(1, (left.toMillis() + 999) / 1000);
    return new ProviderReply.Failed(
        false,
        false,
        settings.name() + " is failing; its circuit breaker is open",
        Optional.of(Duration.ofSeconds(seconds)));
  }

  private long backoffMillis(Throwable failure, int retry) {
    long first = settings.retryBackoff().toMillis();
    Optional<Duration> asked =
        failure instanceof Retryable r ? r.reply.retryAfter() : Optional.empty();
    if (asked.isPresent()) {
      return Math.min(asked.get().toMillis(), 4 * first);
    }
    return first << Math.min(retry - 1, 10);
  }

  /** Carries a retryable failure through the breaker, which only retries failed futures. */
  private static final class Retryable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ProviderReply.Failed reply;

    Retryable(ProviderReply.Failed reply) {
      super(reply.reason(), null, false, false);
      this.reply = reply;
    }
  }
}
