package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.events.EventLog;
import com.infrafabric.governor.events.EventStream;
import com.infrafabric.governor.events.TenantEvent;
import com.infrafabric.governor.ledger.Ledger;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;

/**
 * The audit side, for admins and auditors of a whole tenant: the ledger, reconciliation and the
 * events streams.
 */
final class LedgerRoutes {

  private final Ledger ledger;
  private final Reconciler reconciler;
  private final EventLog events;

  LedgerRoutes(Ledger ledger, Reconciler reconciler, EventLog events) {
    this.ledger = ledger;
    this.reconciler = reconciler;
    this.events = events;
  }

  void register(Routes routes) {
    Access auditors = Access.tenant(ADMIN, AUDITOR);
    routes
        .get("/v1/ledger/:tenant", auditors, this::ledger)
        .get("/v1/ledger/:tenant/reconciliation", auditors, this::reconcile)
        .get("/v1/events/:tenant", auditors, this::events);
  }

  private void ledger(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String scopeParam = ctx.queryParams().get("scope");
    Scope within = scopeParam == null ? null : Scope.parse(scopeParam);
    if (within != null && !within.tenant().equals(tenant)) {
      throw Fields.malformed("scope", "must lie within tenant " + tenant);
    }
    Instant from = instant(ctx, "from");
    Instant to = instant(ctx, "to");
    respond(
        ctx,
        200,
        ledger.page(
            tenant,
            within,
            from,
            to,
            ctx.queryParams().get("cursor"),
            Listings.limit(ctx, Ledger.MAX_PAGE_SIZE)),
        Views::ledger);
  }

  private void reconcile(RoutingContext ctx) {
    respond(ctx, 200, reconciler.reconcile(tenant(ctx)), Views::reconciliation);
  }

  private void events(RoutingContext ctx) {
    respond(
        ctx,
        200,
        events.page(
            tenant(ctx),
            stream(ctx),
            ctx.queryParams().get("cursor"),
            Listings.limit(ctx, Ledger.MAX_PAGE_SIZE)),
        LedgerRoutes::eventsView);
  }

  /** The {@code stream} query parameter: {@code budget} (the default) or {@code claims}. */
  private static EventStream stream(RoutingContext ctx) {
    String name = ctx.queryParams().get("stream");
    return name == null ? EventStream.BUDGET : EventStream.fromWireName(name);
  }

  private static JsonObject eventsView(List<TenantEvent> page) {
    JsonArray array = new JsonArray();
    for (TenantEvent event : page) {
      JsonObject fields = new JsonObject();
      event.fields().forEach(fields::put);
      array.add(new JsonObject().put("id", event.id()).put("fields", fields));
    }
    String next = page.isEmpty() ? null : page.get(page.size() - 1).id();
    return new JsonObject().put("events", array).put("next_cursor", next);
  }

  private static String tenant(RoutingContext ctx) {
    String tenant = TenantPath.of(ctx);
    CallerScope.requireTenant(Requests.principal(ctx), tenant);
    return tenant;
  }

  /** The named ISO-8601 query parameter, or null when absent (no bound). */
  private static Instant instant(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    return value == null ? null : Fields.instant(name, value);
  }
}
