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
import java.util.HashMap;
import java.util.Map;
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
 * <p>The slots are shared out between tenants only while they are all held, so one tenant alone may
 * use every one (a burst of its agents on an idle node is served), and a flood from one tenant
 * cannot keep another out: on a full node, a tenant holding less than its fair share (the limit
 * divided among the tenants holding slots, itself counted, at least one) is still admitted, beyond
 * the limit, while a tenant at or over its share is refused. The limit then counts as full until
 * what is held falls below it, so the flooding tenant gets slots back only as the others leave
 * them, and what is held never exceeds twice the limit. The requests admitted beyond the limit are
 * not timed by it: the limit learns from the load it chose.
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

  /** Slots held by each tenant holding any; guarded by {@code this}. */
  private final Map<String, Integer> byTenant = new HashMap<>();

  /**
   * Every slot held, within the limit or beyond it on a tenant's share; guarded by {@code this}.
   */
  private int held;

  AdmissionLimit(AdmissionSettings settings, MeterRegistry meters) {
    this.limiter =
        SimpleLimiter.newBuilder().named("http").limit(new TailLatencyLimit(settings)).build();
    this.retryAfter = settings.retryAfter();
    this.admitted = decisions(meters, "admitted");
    this.rejected = decisions(meters, "rejected");
    Gauge.builder("http.server.admission.limit", limiter, SimpleLimiter::getLimit)
        .description("Requests the latency-bound routes admit at once")
        .register(meters);
    Gauge.builder("http.server.admission.in.flight", this, AdmissionLimit::held)
        .description("Requests holding an admission slot")
        .register(meters);
  }

  /**
   * The step before the body is read or Redis asked anything: refuses at once while every slot is
   * held, and takes none, so a body that trickles in holds no slot that others' requests need.
   * {@code shed} is told of each request it refuses (to charge it to its caller) before the answer.
   */
  Handler<RoutingContext> gate(Handler<RoutingContext> shed) {
    return ctx -> {
      if (!room(Requests.tenant(ctx))) {
        shed.handle(ctx);
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
    String tenant = Requests.tenant(ctx);
    if (!take(tenant)) {
      refuse(ctx);
      return;
    }
    // Empty when the tenant was admitted beyond the limit, on its share: not timed by the limit.
    Optional<Limiter.Listener> timed = limiter.acquire(null);
    admitted.increment();
    ctx.addEndHandler(
        done -> {
          give(tenant);
          timed.ifPresent(listener -> teach(listener, ctx, done));
        });
    ctx.next();
  }

  /** True if {@code tenant} may be admitted now; see the class's description. */
  private synchronized boolean room(String tenant) {
    int limit = limiter.getLimit();
    if (held < limit) {
      return true;
    }
    int tenants = byTenant.size() + (byTenant.containsKey(tenant) ? 0 : 1);
    return held < 2 * limit && byTenant.getOrDefault(tenant, 0) < Math.max(1, limit / tenants);
  }

  private synchronized boolean take(String tenant) {
    if (!room(tenant)) {
      return false;
    }
    held++;
    byTenant.merge(tenant, 1, Integer::sum);
    return true;
  }

  private synchronized void give(String tenant) {
    held--;
    byTenant.computeIfPresent(tenant, (name, slots) -> slots == 1 ? null : slots - 1);
  }

  private synchronized int held() {
    return held;
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
  private static void teach(Limiter.Listener listener, RoutingContext ctx, AsyncResult<Void> done) {
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
