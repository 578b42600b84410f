package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.scope.ScopeGrammar;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Vets the tenant a caller names in {@value Requests#ACTING_TENANT} right after authentication,
 * before anything shares the node's bounds out by tenant ({@link Requests#tenant}): the name is
 * taken only on a route that checks it ({@link Routes#actingFor}), from a caller that route lets
 * name one, and only if it is a tenant name. Anything else is refused with 400 {@code
 * INVALID_REQUEST} naming the header, as the route's own check refuses a well-formed name of
 * another tenant: a name nobody checks, or one a tenant token sends (it acts in its own tenant),
 * would otherwise be silently read as none or taken at its word. A repeated header never gets here
 * ({@link RequestFraming#SINGLE}).
 */
final class ActingTenant implements Handler<RoutingContext> {

  private final Optional<Access> namers;

  /**
   * @param namers who may name the acting tenant on the route; empty: nobody
   */
  ActingTenant(Optional<Access> namers) {
    this.namers = namers;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String named = ctx.request().getHeader(Requests.ACTING_TENANT);
    if (named == null) {
      ctx.next();
    } else if (namers.isEmpty()) {
      ctx.fail(refused("means nothing on this route, which acts in the caller's own tenant"));
    } else if (!mayName(Requests.principal(ctx))) {
      ctx.fail(refused("is for the platform services this route serves in every tenant"));
    } else if (!ScopeGrammar.isSegment(named)) {
      ctx.fail(refused("must be a tenant name, " + ScopeGrammar.SEGMENT_RULE));
    } else {
      ctx.put(Requests.ACTING, named);
      ctx.next();
    }
  }

  private boolean mayName(Principal caller) {
    return !caller.confined() && namers.orElseThrow().permits(caller);
  }

  private static ApiException refused(String why) {
    return ApiException.of(
        ErrorCode.INVALID_REQUEST,
        Requests.ACTING_TENANT + " " + why + "; send the request without it.",
        Map.of("field", Requests.ACTING_TENANT));
  }
}
