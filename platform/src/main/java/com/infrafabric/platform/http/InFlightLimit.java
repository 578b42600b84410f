package com.infrafabric.platform.http;

import com.infrafabric.platform.limit.TenantSlots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Bounds the authenticated requests being handled at once (it runs right after authentication, so
 * anonymous and refused requests never take a slot). One over the bound is answered 503 {@code
 * OVERLOADED} with {@code Retry-After} straight away, before its body is read, instead of queueing
 * without limit. The slots are {@link TenantSlots} (the platform's own callers count as one
 * tenant): a tenant holding half of them gets 429 {@code TOO_MANY_IN_FLIGHT}, so a tenant whose
 * requests linger (bodies that trickle in, say) never fills what the others share, and a tenant
 * under its fair share is admitted on a full node (the probe's two tenants of 128 stalled streams
 * each had kept every other tenant at 503 for as long as the streams lasted). A slot is released
 * when the response ends or the connection closes. Thread-safe.
 */
final class InFlightLimit implements Handler<RoutingContext> {

  static final ErrorCode TOO_MANY_IN_FLIGHT = new ErrorCode("TOO_MANY_IN_FLIGHT", 429);

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final TenantSlots slots;

  InFlightLimit(int max, MeterRegistry meters) {
    this.slots = new TenantSlots(max);
    Gauge.builder("http.server.in.flight", slots, TenantSlots::held)
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
    String tenant = Requests.tenant(ctx);
    TenantSlots.Decision decision = slots.take(tenant);
    if (decision == TenantSlots.Decision.FULL) {
      ctx.fail(
          ApiException.retryAfter(
              ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", RETRY));
      return;
    }
    if (decision == TenantSlots.Decision.TENANT_SHARE) {
      ctx.fail(
          ApiException.retryAfter(
              TOO_MANY_IN_FLIGHT,
              "This tenant's requests in flight fill its share of the service ("
                  + slots.tenantShare()
                  + "); retry when one has finished.",
              RETRY));
      return;
    }
    ctx.addEndHandler(done -> slots.release(tenant));
    ctx.next();
  }
}
