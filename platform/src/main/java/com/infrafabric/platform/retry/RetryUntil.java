package com.infrafabric.platform.retry;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an attempt again, after a wait that doubles up to a ceiling, while its outcome says a later
 * one may succeed, until a deadline after which no attempt is sent. For a step that must happen but
 * whose store may blink (a call's charge once its provider answered): retrying a few times back to
 * back fails within a millisecond against a store known to be down, while the step still had its
 * reservation's whole lifetime to land. Each attempt must be safe to repeat (an idempotency key):
 * one that did run but whose answer was lost is answered again, never applied twice. Never blocks;
 * the waits are timers.
 *
 * @param first the wait before the first retry
 * @param ceiling the longest wait between two attempts
 */
public record RetryUntil(Vertx vertx, Clock clock, Duration first, Duration ceiling) {

  private static final Logger LOG = LoggerFactory.getLogger(RetryUntil.class);

  /**
   * The waits of a settlement (a call's commit or release): 50 ms, doubling to 1 s, so a blink of
   * the store costs a settlement little delay and an outage a request a second.
   */
  public static RetryUntil settling(Vertx vertx, Clock clock) {
    return new RetryUntil(vertx, clock, Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  /**
   * What came of the attempts: the last one's outcome, and how many were sent.
   *
   * @param last the outcome retrying stopped at: one it need not retry, or the last sent before the
   *     deadline
   */
  public record Outcome<T>(AsyncResult<T> last, int attempts) {}

  /**
   * Runs {@code attempt} until its outcome is one {@code again} does not retry, or the next attempt
   * would start after {@code lastAttempt}; never fails. Each retry is logged at DEBUG as {@code
   * "<what> failed (<outcome>); retried in <wait> ms"}.
   */
  public <T> Future<Outcome<T>> run(
      String what,
      Supplier<Future<T>> attempt,
      Predicate<AsyncResult<T>> again,
      Instant lastAttempt) {
    return run(what, attempt, again, lastAttempt, first, 1);
  }

  private <T> Future<Outcome<T>> run(
      String what,
      Supplier<Future<T>> attempt,
      Predicate<AsyncResult<T>> again,
      Instant lastAttempt,
      Duration wait,
      int attempts) {
    // Composed, so that an attempt refused before it starts fails its future rather than throws.
    return Future.<Void>succeededFuture()
        .compose(ignored -> attempt.get())
        .transform(
            outcome -> {
              if (!again.test(outcome) || clock.instant().plus(wait).isAfter(lastAttempt)) {
                return Future.succeededFuture(new Outcome<>(outcome, attempts));
              }
              LOG.atDebug().log(
                  "{} failed ({}); retried in {} ms",
                  what,
                  outcome.failed() ? outcome.cause().getMessage() : outcome.result(),
                  wait.toMillis());
              Duration next = wait.multipliedBy(2);
              return vertx
                  .timer(wait.toMillis())
                  .compose(
                      waited ->
                          run(
                              what,
                              attempt,
                              again,
                              lastAttempt,
                              next.compareTo(ceiling) > 0 ? ceiling : next,
                              attempts + 1));
            });
  }
}
