package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Lets the request through only if the principal satisfies the route's {@link Access}. */
final class AccessHandler implements Handler<RoutingContext> {

  private final Access access;

  AccessHandler(Access access) {
    this.access = access;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (access.permits(Requests.principal(ctx))) {
      ctx.next();
      return;
    }
    ctx.fail(
        ApiException.of(
            ErrorCode.FORBIDDEN,
            "The token does not grant this operation.",
            Map.of("requiredRoles", access.anyOfRoles().stream().sorted().toList())));
  }
}
