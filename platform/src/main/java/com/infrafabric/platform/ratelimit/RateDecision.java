package com.infrafabric.platform.ratelimit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether a request may proceed under its principal's rate limit: an expected outcome, like
 * Bucket4j's {@code ConsumptionProbe}.
 *
 * @param allowed true if a token was taken
 * @param remaining tokens left in the bucket after this request
 * @param retryAfter when refused, how long until a token is available; zero when allowed
 * @param limitName which limit applied (e.g. {@code default}, {@code role-<role>}, {@code rpm})
 */
public record RateDecision(boolean allowed, long remaining, Duration retryAfter, String limitName) {

  public RateDecision {
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(limitName, "limitName");
  }

  /**
   * True if {@code decision} was a refusal the moment it was asked for: one standing on this node
   * ({@code SharedBuckets}), decided without a round trip. Whoever would have done other work with
   * the answer (take another bucket, reserve a budget) can skip it.
   */
  public static boolean refusedAlready(Future<RateDecision> decision) {
    return decision.isComplete() && decision.succeeded() && !decision.result().allowed();
  }
}
