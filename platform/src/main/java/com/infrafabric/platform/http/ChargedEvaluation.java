package com.infrafabric.platform.http;

import com.infrafabric.platform.ratelimit.RateDecision;
import com.infrafabric.platform.ratelimit.RateLimiter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A token holder's readiness request: it gets an evaluation of its own (a Redis round trip per
 * check), which anonymous probes share, so it takes a token from the caller's rate limit first and
 * is answered 429 {@code RATE_LIMITED} once the bucket is empty. A limiter that cannot say (the
 * store is down) lets the evaluation run, unlike on other routes: reporting that outage is what the
 * request is for, and its checks then cost the store nothing.
 */
final class ChargedEvaluation implements Handler<RoutingContext> {

  private final RateLimiter limiter;
  private final Handler<RoutingContext> evaluation;

  ChargedEvaluation(RateLimiter limiter, Handler<RoutingContext> evaluation) {
    this.limiter = limiter;
    this.evaluation = evaluation;
  }

  @Override
  public void handle(RoutingContext ctx) {
    limiter.tryConsume(Requests.principal(ctx), 1).onComplete(taken -> proceed(ctx, taken));
  }

  private void proceed(RoutingContext ctx, AsyncResult<RateDecision> taken) {
    if (taken.succeeded() && !taken.result().allowed()) {
      ctx.fail(RateLimitHandler.refusal(taken.result()));
    } else {
      evaluation.handle(ctx);
    }
  }
}
