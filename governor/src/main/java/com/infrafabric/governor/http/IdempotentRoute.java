package com.infrafabric.governor.http;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * A route whose requests a client may retry under an {@code Idempotency-Key} (reserve, commit,
 * release, charge, claim, finish, the key changes). The key is read, and put in the answer's {@code
 * Idempotency-Key} header, before the route's own handler runs, which is handed it: every answer
 * the handler gives carries it, a refusal of the body or of the scope included, so a client whose
 * request ended in doubt can retry it with that key, and no handler can check its request first and
 * answer without it. A request refused before its route is reached (401, 403 for its role, 429, 503
 * {@code OVERLOADED}) applied nothing and carries none.
 */
final class IdempotentRoute {

  /** What an idempotent route does with a request and the key naming it. */
  @FunctionalInterface
  interface KeyedHandler {
    void handle(RoutingContext ctx, IdempotencyKey key);
  }

  private IdempotentRoute() {}

  /** The route's handler: reads and echoes the request's key, then runs {@code handler} with it. */
  static Handler<RoutingContext> of(KeyedHandler handler) {
    return ctx -> handler.handle(ctx, key(ctx));
  }

  /**
   * The request's {@code Idempotency-Key}, owned by the caller (two callers' equal keys name two
   * requests). A request without one gets one the server makes up. Either way the answer carries it
   * in its {@code Idempotency-Key} header.
   */
  private static IdempotencyKey key(RoutingContext ctx) {
    String named = ctx.request().getHeader(ReservationWire.IDEMPOTENCY_HEADER);
    String value = named != null ? named : UUID.randomUUID().toString();
    Principal caller = Requests.principal(ctx);
    IdempotencyKey key =
        IdempotencyKey.ofCaller(caller.subject(), caller.scope().orElse(""), value);
    ctx.response().putHeader(ReservationWire.IDEMPOTENCY_HEADER, value);
    return key;
  }
}
