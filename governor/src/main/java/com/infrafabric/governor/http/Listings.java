package com.infrafabric.governor.http;

import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import io.vertx.ext.web.RoutingContext;

/** The query parameters every listing and report reads the same way. */
final class Listings {

  /** Entries a page holds when the caller does not say. */
  static final int DEFAULT_PAGE = 100;

  private Listings() {}

  /**
   * The {@code scope} parameter, which must lie within the caller's subtree, or the caller's
   * subtree when it is absent.
   */
  static Scope scope(RoutingContext ctx) {
    String value = ctx.queryParams().get("scope");
    return value == null
        ? CallerScope.subtree(Requests.principal(ctx))
        : CallerScope.requireWithin(Requests.principal(ctx), Scope.parse(value));
  }

  /** The {@code limit} parameter, 1..{@code max}, or {@link #DEFAULT_PAGE}. */
  static int limit(RoutingContext ctx, int max) {
    String value = ctx.queryParams().get("limit");
    return value == null ? DEFAULT_PAGE : (int) Fields.decimal("limit", value, 1, max);
  }
}
