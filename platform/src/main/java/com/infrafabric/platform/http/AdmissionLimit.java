package com.infrafabric.platform.http;

import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * Bounds the requests one node handles at once on its latency-bound routes, with a limit that
 * steers the p99 of their latency to a target ({@link TailLatencyLimit} in Netflix
 * concurrency-limits' {@link SimpleLimiter}, see {@link AdmissionSettings}): while admitted
 * requests answer within the target the limit grows, and once more than one in a hundred takes
 * longer it shrinks, so what is admitted keeps its latency and the excess is refused.
 *
 * <p>While every slot is held, a request is answered 503 {@code OVERLOADED} with {@code
 * Retry-After} straight away, before its body is read or any Redis command is sent ({@link #gate});
 * nothing is ever queued. A slot is taken only once the body is read ({@link #handle}), so a client
 * that trickles its body holds none, and the latency the limit learns is the handling's alone; a
 * request that finds the slots taken meanwhile is refused then. A slot is released when the
 * response ends or the connection closes. One instance is shared by all of a service's
 * admission-controlled routes. Thread-safe.
 *
 * <p>Meters: {@code http.server.admission} counts requests by {@code decision} ({@code admitted},
 * {@code rejected}); {@code http.server.admission.limit} and {@code
 * http.server.admission.in.flight} are the current limit and the requests holding a slot.
 */
final class AdmissionLimit implements Handler<RoutingContext> {

  private final SimpleLimiter<Void> limiter;
  private final Duration retryAfter;
  private final Counter admitted;
  private final Counter rejected;

  AdmissionLimit(AdmissionSettings settings, MeterRegistry meters) {
    this.limiter =
        SimpleLimiter.newBuilder().named("http").limit(new TailLatencyLimit(settings)).build();
    this.retryAfter = settings.retryAfter();
    this.admitted = decisions(meters, "admitted");
    this.rejected = decisions(meters, "rejected");
    Gauge.builder("http.server.admission.limit", limiter, SimpleLimiter::getLimit)
        .description("Requests the latency-bound routes admit at once")
        .register(meters);
    Gauge.builder("http.server.admission.in.flight", limiter, SimpleLimiter::getInflight)
        .description("Requests holding an admission slot")
        .register(meters);
  }

  /**
   * The step before the body is read or Redis asked anything: refuses at once while every slot is
   * held, and takes none, so a body that trickles in holds no slot that others' requests need.
   */
  Handler<RoutingContext> gate() {
    return ctx -> {
      if (limiter.getInflight() >= limiter.getLimit()) {
        refuse(ctx);
        return;
      }
      ctx.next();
    };
  }

  /** The step once the body is read: takes a slot for the handling, or refuses. */
  @Override
  public void handle(RoutingContext ctx) {
    if (Requests.over(ctx)) {
      return; // gone while its body was read: an end handler added now would never run
    }
    Optional<Limiter.Listener> slot = limiter.acquire(null);
    if (slot.isEmpty()) {
      refuse(ctx);
      return;
    }
    admitted.increment();
    Limiter.Listener listener = slot.get();
    ctx.addEndHandler(done -> release(listener, ctx, done));
    ctx.next();
  }

  private void refuse(RoutingContext ctx) {
    rejected.increment();
    ctx.fail(
        ApiException.retryAfter(
            ErrorCode.OVERLOADED, "The service is at capacity; retry shortly.", retryAfter));
  }

  /**
   * Only answers the service produced itself teach the limit their latency: a server error (a
   * stalled store, say) counts as a drop, which shrinks it, and a connection the client closed
   * teaches nothing.
   */
  private static void release(
      Limiter.Listener listener, RoutingContext ctx, AsyncResult<Void> done) {
    if (done.failed()) {
      listener.onIgnore();
    } else if (ctx.response().getStatusCode() >= 500) {
      listener.onDropped();
    } else {
      listener.onSuccess();
    }
  }

  private static Counter decisions(MeterRegistry meters, String decision) {
    return Counter.builder("http.server.admission")
        .description("Requests to latency-bound routes by admission decision")
        .tag("decision", decision)
        .register(meters);
  }
}
