package com.infrafabric.platform.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the authenticated requests being handled at once (it runs right after authentication, so
 * anonymous and refused requests never take a slot). One over the bound is answered 503 {@code
 * OVERLOADED} with {@code Retry-After} straight away, before its body is read, instead of queueing
 * without limit. One tenant holds at most half of the slots ({@link #tenantShare}; the platform's
 * own callers count as one tenant): beyond that its next request is 429 {@code TOO_MANY_IN_FLIGHT},
 * so a tenant whose requests linger (bodies that trickle in, say) never fills what the others
 * share. Half each, two such tenants would fill it all (the probe's two tenants of 128 stalled
 * streams each kept every other tenant at 503 for as long as the streams lasted), so on a full node
 * a tenant holding less than its fair share (the bound over the tenants holding slots, itself
 * counted) is still admitted, beyond the bound, while the others are refused; what is held never
 * exceeds twice the bound. A slot is released when the response ends or the connection closes.
 * Thread-safe.
 */
final class InFlightLimit implements Handler<RoutingContext> {

  static final ErrorCode TOO_MANY_IN_FLIGHT = new ErrorCode("TOO_MANY_IN_FLIGHT", 429);

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final int max;
  private final int tenantShare;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Each tenant's slots held; a tenant holding none has no entry. Guarded by {@code this}. */
  private final Map<String, Integer> byTenant = new HashMap<>();

  /** Whether a request was given a slot, and why not. */
  private enum Decision {
    ADMITTED,
    FULL,
    TENANT_SHARE
  }

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
    String tenant = Requests.tenant(ctx);
    Decision decision = take(tenant);
    if (decision == Decision.FULL) {
      ctx.fail(
          ApiException.retryAfter(
              ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", RETRY));
      return;
    }
    if (decision == Decision.TENANT_SHARE) {
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

  /** Takes a slot for {@code tenant}, or says why not. */
  private synchronized Decision take(String tenant) {
    int held = byTenant.getOrDefault(tenant, 0);
    int holders = byTenant.size() + (held == 0 ? 1 : 0);
    boolean underFairShare = held < Math.max(1, max / holders);
    int now = inFlight.get();
    if (now >= max && !(underFairShare && now < 2 * max)) {
      return Decision.FULL;
    }
    if (held >= tenantShare) {
      return Decision.TENANT_SHARE;
    }
    byTenant.put(tenant, held + 1);
    inFlight.incrementAndGet();
    return Decision.ADMITTED;
  }

  private synchronized void release(String tenant) {
    byTenant.computeIfPresent(tenant, (name, held) -> held == 1 ? null : held - 1);
    inFlight.decrementAndGet();
  }
}
