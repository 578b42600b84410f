package com.infrafabric.platform.http;

import com.infrafabric.platform.limit.TenantSlots;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Bounds the request body bytes a service holds at once ({@link
 * ConnectionLimits#bodyBytesInFlight}): a body is counted at its announced length (a chunked one at
 * its route's limit, {@link BodyLimit#expectedBytes}) from just before it is read until its request
 * is answered, which covers the buffer and what the handler makes of it. One tenant's bodies hold
 * at most half of the budget ({@link TenantSlots}, counted in kibibytes): one over is answered 429
 * {@code TOO_MANY_IN_FLIGHT} at once, and one no tenant's fair share leaves room for 503 {@code
 * OVERLOADED}, both with {@code Retry-After} and before a byte of the body is read. The in-flight
 * bound alone let one tenant's 128 slots buffer 11 MB each, 1.4 GB on a 1 GB heap, every tenant on
 * the node stalled. Thread-safe.
 */
final class BodyBudget implements Handler<RoutingContext> {

  private static final int KIB = 1024;
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final TenantSlots kibibytes;

  BodyBudget(long bytes, MeterRegistry meters) {
    this.kibibytes = new TenantSlots(Math.toIntExact(bytes / KIB));
    Gauge.builder("http.server.body.bytes.in.flight", kibibytes, slots -> slots.held() * 1024.0)
        .description("Request body bytes held: announced lengths of the bodies being handled")
        .baseUnit("bytes")
        .register(meters);
  }

  /**
   * The largest body one tenant's request may bring: a route taking larger ones could never be
   * served, and is refused when the service is built.
   */
  long tenantShareBytes() {
    return (long) kibibytes.tenantShare() * KIB;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (Requests.over(ctx)) {
      return; // answered or gone: its end handlers have run, and would never give bytes back
    }
    if (!BodyDeadline.bodyPending(ctx.request())) {
      ctx.next();
      return;
    }
    long bytes = BodyLimit.of(ctx).orElseThrow().expectedBytes(ctx.request());
    int count = Math.toIntExact(Math.max(1, (bytes + KIB - 1) / KIB));
    String tenant = Requests.tenant(ctx);
    TenantSlots.Decision decision = kibibytes.take(tenant, count);
    if (decision == TenantSlots.Decision.ADMITTED) {
      ctx.addEndHandler(done -> kibibytes.release(tenant, count));
      ctx.next();
    } else {
      ctx.fail(refusal(decision));
    }
  }

  private ApiException refusal(TenantSlots.Decision decision) {
    return decision == TenantSlots.Decision.TENANT_SHARE
        ? ApiException.retryAfter(
            InFlightLimit.TOO_MANY_IN_FLIGHT,
            "This tenant's request bodies being handled fill its share of the service's memory for"
                + " bodies ("
                + tenantShareBytes()
                + " bytes); retry when one has finished.",
            RETRY)
        : ApiException.retryAfter(
            ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", RETRY);
  }
}
