package com.infrafabric.platform.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the authenticated requests being handled at once (it runs right after authentication, so
 * anonymous and refused requests never take a slot). One over the bound is answered 503 {@code
 * OVERLOADED} with {@code Retry-After} straight away, before its body is read, instead of queueing
 * without limit. One tenant holds at most half of the slots ({@link TenantShares}): beyond that its
 * next request is 429 {@code TOO_MANY_IN_FLIGHT}, so a tenant whose requests linger (bodies that
 * trickle in, say) never fills what the others share. A slot is released when the response ends or
 * the connection closes. Thread-safe.
 */
final class InFlightLimit implements Handler<RoutingContext> {

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final TenantShares shares = new TenantShares();

  InFlightLimit(int max, MeterRegistry meters) {
    this.max = max;
    Gauge.builder("http.server.in.flight", inFlight, AtomicInteger::get)
        .description("Authenticated requests being handled")
        .register(meters);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (Requests.over(ctx)) {
      // Answered or gone while it was authenticated (a body that could not be read, a client
      // that left): its end handlers have run, and would never give a slot back.
      return;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      ctx.fail(
          ApiException.retryAfter(
              ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", RETRY));
      return;
    }
    String tenant = TenantShares.tenant(ctx);
    if (!shares.take(tenant, max)) {
      inFlight.decrementAndGet();
      ctx.fail(TenantShares.refusal("requests in flight", max));
      return;
    }
    ctx.addEndHandler(
        done -> {
          shares.give(tenant);
          inFlight.decrementAndGet();
        });
    ctx.next();
  }
}
