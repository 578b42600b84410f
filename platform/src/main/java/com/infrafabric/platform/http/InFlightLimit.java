package com.infrafabric.platform.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the authenticated requests being handled at once (it runs right after authentication, so
 * anonymous and refused requests never take a slot). One over the bound is answered 503 {@code
 * OVERLOADED} with {@code Retry-After} straight away, before its body is read, instead of queueing
 * without limit. One tenant holds at most half of the slots ({@link #tenantShare}; the platform's
 * own callers count as one tenant): beyond that its next request is 429 {@code TOO_MANY_IN_FLIGHT},
 * so a tenant whose requests linger (bodies that trickle in, say) never fills what the others
 * share. A slot is released when the response ends or the connection closes. Thread-safe.
 */
final class InFlightLimit implements Handler<RoutingContext> {

  static final ErrorCode TOO_MANY_IN_FLIGHT = new ErrorCode("TOO_MANY_IN_FLIGHT", 429);

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final int max;
  private final int tenantShare;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Each tenant's slots held; a tenant holding none has no entry. */
  private final ConcurrentMap<String, Integer> byTenant = new ConcurrentHashMap<>();

  InFlightLimit(int max, MeterRegistry meters) {
    this.max = max;
    this.tenantShare = tenantShare(max);
    Gauge.builder("http.server.in.flight", inFlight, AtomicInteger::get)
        .description("Authenticated requests being handled")
        .register(meters);
  }

  /** The most slots one tenant holds of {@code max}: half, and at least one. */
  static int tenantShare(int max) {
    return Math.max(1, max / 2);
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
    String tenant = Requests.tenant(ctx);
    if (byTenant.merge(tenant, 1, Integer::sum) > tenantShare) {
      release(tenant);
      ctx.fail(
          ApiException.retryAfter(
              TOO_MANY_IN_FLIGHT,
              "This tenant's requests in flight fill its share of the service ("
                  + tenantShare
                  + "); retry when one has finished.",
              RETRY));
      return;
    }
    ctx.addEndHandler(done -> release(tenant));
    ctx.next();
  }

  private void release(String tenant) {
    byTenant.computeIfPresent(tenant, (name, held) -> held == 1 ? null : held - 1);
    inFlight.decrementAndGet();
  }
}
