package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The pricing catalogue, which prices every tenant: anyone authenticated reads it; a platform admin
 * (an admin token without a scope claim) publishes a new version, optionally guarded by {@code
 * If-Match: <version>} so two admins cannot overwrite each other unknowingly. An admin confined to
 * a tenant cannot change it.
 */
final class PricingRoutes {

  private static final Set<String> FIELDS = Set.of("models");

  private final PricingCatalogues catalogues;

  PricingRoutes(PricingCatalogues catalogues) {
    this.catalogues = catalogues;
  }

  void register(Routes routes) {
    routes
        .get("/v1/pricing", Access.authenticated(), this::get)
        .put("/v1/pricing", Access.platform(ADMIN), this::put);
  }

  private void get(RoutingContext ctx) {
    respond(ctx, 200, catalogues.refresh(), Views::pricing);
  }

  private void put(RoutingContext ctx) {
    Fields body = Fields.of(Requests.jsonBody(ctx), FIELDS);
    long expected = expectedVersion(ctx.request().getHeader("If-Match"));
    respond(
        ctx,
        200,
        catalogues.replace(PricingCatalogues.fromJson(body.array("models")), expected),
        Views::pricing);
  }

  private static long expectedVersion(String ifMatch) {
    if (ifMatch == null) {
      return -1;
    }
    return Fields.decimal("If-Match", ifMatch.replace("\"", "").strip(), 0, Long.MAX_VALUE);
  }
}
