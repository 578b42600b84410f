package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.RateLimitContendedException;
import com.infrafabric.platform.ratelimit.RateLimiter;
import com.infrafabric.platform.redis.RedisUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Takes one token from the principal's shared bucket (unless the route's handler holds the caller
 * to its dialect's own limits, {@link Routes#limitedByDialect}): 429 {@code RATE_LIMITED} with
 * {@code Retry-After} when it is empty, 503 {@code STORE_UNAVAILABLE} (through the failure handler)
 * when Redis cannot say, so the limit fails closed.
 */
final class RateLimitHandler implements Handler<RoutingContext> {

  private static final Duration CONTENDED_RETRY = Duration.ofSeconds(1);

  private final RateLimiter limiter;
  private final Predicate<Principal> limitedElsewhere;

  /**
   * @param limitedElsewhere the callers the route's handler holds to limits of their own: not held
   *     here
   */
  RateLimitHandler(RateLimiter limiter, Predicate<Principal> limitedElsewhere) {
    this.limiter = limiter;
    this.limitedElsewhere = limitedElsewhere;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    if (limitedElsewhere.test(principal)) {
      ctx.next();
      return;
    }
    ctx.put(Requests.MORE_REQUESTS, (Requests.MoreRequests) more -> take(principal, more));
    take(principal, 1).onSuccess(admitted -> ctx.next()).onFailure(ctx::fail);
  }

  /**
   * The step of a settling route ({@link Routes#settling}): takes nothing now, so a caller whose
   * allowance is spent can still settle what it holds, but leaves the charge to the failure
   * handler, which takes one request for a refusal there ({@link Requests#chargeUnsettled}).
   */
  void chargeIfUnsettled(RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    if (!limitedElsewhere.test(principal)) {
      ctx.put(Requests.UNSETTLED, (Requests.MoreRequests) more -> take(principal, more));
    }
    ctx.next();
  }

  /**
   * The step before admission's gate on a latency-bound route, which must not wait on Redis: a
   * caller whose refusal this node already knows is answered 429 here, without a round trip.
   */
  void refuseKnown(RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    Optional<RateDecision> refused =
        limitedElsewhere.test(principal) ? Optional.empty() : limiter.standingRefusal(principal);
    refused.ifPresentOrElse(decision -> ctx.fail(refusal(decision)), ctx::next);
  }

  /**
   * Charges a request admission sheds to its caller, without waiting for Redis: the 503 goes out at
   * once, and a bucket this empties is known here for the caller's next requests ({@link
   * #refuseKnown}), so a flood that is shed meets its 429. What the charge comes to changes nothing
   * for the request already refused, so its outcome is not awaited.
   */
  void chargeShed(RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    if (!limitedElsewhere.test(principal)) {
      limiter.tryConsume(principal, 1);
    }
  }

  /** Takes {@code requests} from the caller's bucket; failed with the refusal to answer. */
  private Future<Void> take(Principal principal, int requests) {
    return limiter
        .tryConsume(principal, requests)
        .recover(failure -> Future.failedFuture(translate(failure)))
        .compose(RateLimitHandler::admitted);
  }

  private static Future<Void> admitted(RateDecision decision) {
    return decision.allowed() ? Future.succeededFuture() : Future.failedFuture(refusal(decision));
  }

  /** The 429 a refused {@code decision} is answered with. */
  static ApiException refusal(RateDecision decision) {
    return ApiException.retryAfter(
        ErrorCode.RATE_LIMITED,
        seconds -> "Too many requests; retry after " + seconds + " s.",
        decision.retryAfter());
  }

  /**
   * A limiter that could not decide fails the request closed. Whatever became of the bucket, the
   * request's own operation was never attempted: a Redis failure here is "not applied", never
   * "outcome unknown".
   */
  private static Throwable translate(Throwable failure) {
    if (failure instanceof RateLimitContendedException) {
      return ApiException.retryAfter(
          ErrorCode.OVERLOADED, "Too many concurrent requests; retry shortly.", CONTENDED_RETRY);
    }
    if (RedisUnavailableException.isOutcomeUnknown(failure)) {
      return RedisUnavailableException.notApplied(
          "the rate limiter got no answer; the request was not attempted", failure);
    }
    return failure;
  }
}
