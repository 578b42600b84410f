package com.infrafabric.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the requests being handled at once. One over the bound is answered 503 {@code OVERLOADED}
 * with {@code Retry-After} straight away, before its body is read, instead of queueing without
 * limit. Thread-safe.
 */
final class InFlightLimit implements Handler<RoutingContext> {

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  InFlightLimit(int max) {
    this.max = max;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      ctx.fail(
          ApiException.retryAfter(
              ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", RETRY));
      return;
    }
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }
}
