package com.infrafabric.chassis.mcp;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses an MCP request that carries an {@code Origin} the service does not allow, as the MCP
 * transport asks of servers (against DNS rebinding: a page another site serves, resolved to this
 * host, reaching the endpoint from the user's browser). The origins allowed are the service's CORS
 * origins ({@code chassis.http.cors.allowedOrigins}), the browser pages it already trusts; a
 * request without an {@code Origin} (an SDK client, the stdio bridge) is not a browser's and
 * passes.
 */
final class OriginCheck {

  private final Set<String> allowed;

  OriginCheck(List<String> allowedOrigins) {
    this.allowed = Set.copyOf(allowedOrigins);
  }

  /** {@code handler}, behind the check: 403 {@code FORBIDDEN} for an origin not allowed. */
  Handler<RoutingContext> guarding(Handler<RoutingContext> handler) {
    return ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin != null && !allowed.contains(origin)) {
        ctx.fail(
            ApiException.of(
                ErrorCode.FORBIDDEN,
                "Requests from origin "
                    + origin
                    + " may not use the MCP endpoint; an operator allows a browser origin in"
                    + " chassis.http.cors.allowedOrigins.",
                Map.of("reason", "origin_not_allowed")));
        return;
      }
      handler.handle(ctx);
    };
  }
}
