package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lets the request through only if the principal satisfies the route's {@link Access}; otherwise
 * 403 {@code FORBIDDEN} saying which roles, on which kind of token, the route needs, challenged
 * {@code insufficient_scope} ({@link BearerChallenge}).
 */
final class AccessHandler implements Handler<RoutingContext> {

  private final Access access;

  AccessHandler(Access access) {
    this.access = access;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    if (access.permits(principal)) {
      ctx.next();
      return;
    }
    ctx.fail(
        ApiException.of(
                ErrorCode.FORBIDDEN,
                access.refusal(principal),
                Map.of(
                    "tenantRoles", sorted(access.tenantRoles()),
                    "platformRoles", sorted(access.platformRoles())))
            .challenging(INSUFFICIENT_SCOPE));
  }

  /** The token is valid but grants too little here: another token, with the role, would do. */
  private static final ApiException.BearerError INSUFFICIENT_SCOPE =
      new ApiException.BearerError(
          "insufficient_scope", "the token does not carry a role this operation needs");

  private static List<String> sorted(Set<String> roles) {
    return roles.stream().sorted().toList();
  }
}
