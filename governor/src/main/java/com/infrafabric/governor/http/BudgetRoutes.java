package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AGENT;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.Budget;
import com.infrafabric.governor.budget.Budgets;
import com.infrafabric.governor.budget.Limit;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Caps and spend status. Scopes travel in the path with their slashes percent-encoded ({@code
 * /v1/budgets/acme%2Fsearch}). Admins define caps; admins, auditors and agents read them and the
 * status of a scope and its ancestors, and list the budgets of their subtree page by page; all with
 * tenant tokens, within their subtree. A tenant's zone is set by an admin of the whole tenant.
 */
final class BudgetRoutes {

  private static final Set<String> BUDGET_FIELDS = Set.of("limits");
  private static final Set<String> LIMIT_FIELDS = Set.of("cap_micros", "thresholds_pct");
  private static final Set<String> ZONE_FIELDS = Set.of("zone");

  private final Budgets budgets;

  BudgetRoutes(Budgets budgets) {
    this.budgets = budgets;
  }

  void register(Routes routes) {
    Access admins = Access.tenant(ADMIN);
    Access readers = Access.tenant(ADMIN, AUDITOR, AGENT);
    routes
        .get("/v1/budgets", readers, this::list)
        .put("/v1/budgets/:scope", admins, this::put)
        .get("/v1/budgets/:scope", readers, this::get)
        .delete("/v1/budgets/:scope", admins, this::delete)
        .get("/v1/budgets/:scope/status", readers, this::status)
        .put("/v1/tenants/:tenant/zone", admins, this::zone);
  }

  private void put(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    Scope scope = CallerScope.requireBelow(caller, scope(ctx));
    Budget budget = new Budget(scope, limits(Fields.of(Requests.jsonBody(ctx), BUDGET_FIELDS)));
    respond(ctx, 200, budgets.put(budget, caller.subject()), ignored -> Views.budget(budget));
  }

  /**
   * {@code GET /v1/budgets?scope=S&cursor=C&limit=N}: the budgets of S (default: the caller's
   * subtree) and below, in scope order; the cursor is the previous page's {@code next_cursor}.
   */
  private void list(RoutingContext ctx) {
    Scope within = Listings.scope(ctx);
    String cursorParam = ctx.queryParams().get("cursor");
    Scope after = cursorParam == null ? null : cursor(cursorParam, within);
    respond(
        ctx,
        200,
        budgets.list(within, after, Listings.limit(ctx, Budgets.MAX_PAGE_SIZE)),
        Views::budgets);
  }

  /** The {@code cursor} parameter: a {@code next_cursor}, so a scope within the listed one. */
  private static Scope cursor(String value, Scope within) {
    Scope after;
    try {
      after = Scope.parse(value);
    } catch (GovernorException e) {
      throw Fields.malformed("cursor", "is not a next_cursor of this listing");
    }
    if (!after.isWithin(within)) {
      throw Fields.malformed("cursor", "is not a next_cursor of this listing");
    }
    return after;
  }

  private void get(RoutingContext ctx) {
    Scope scope = CallerScope.requireWithin(Requests.principal(ctx), scope(ctx));
    respond(
        ctx,
        200,
        budgets.get(scope),
        found -> Views.budget(found.orElseThrow(() -> notFound(scope))));
  }

  private void delete(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    Scope scope = CallerScope.requireBelow(caller, scope(ctx));
    Responses.deleted(ctx, budgets.delete(scope, caller.subject()), () -> notFound(scope));
  }

  private void status(RoutingContext ctx) {
    Scope scope = CallerScope.requireWithin(Requests.principal(ctx), scope(ctx));
    respond(ctx, 200, budgets.status(scope), Views::status);
  }

  private void zone(RoutingContext ctx) {
    String tenant = TenantPath.of(ctx);
    Principal caller = Requests.principal(ctx);
    CallerScope.requireTenant(caller, tenant);
    String zone = Fields.of(Requests.jsonBody(ctx), ZONE_FIELDS).string("zone");
    respond(
        ctx,
        200,
        budgets.setZone(tenant, zone, caller.subject()),
        ignored -> new JsonObject().put("tenant", tenant).put("zone", zone));
  }

  private static Scope scope(RoutingContext ctx) {
    return Scope.parse(ctx.pathParam("scope"));
  }

  private static Map<Window, Limit> limits(Fields body) {
    JsonObject limits =
        body.optionalObject("limits").orElseThrow(() -> Fields.malformed("limits", "is required"));
    Map<Window, Limit> parsed = new EnumMap<>(Window.class);
    for (String name : limits.fieldNames()) {
      Window window = Window.fromWireName(name);
      if (!(limits.getValue(name) instanceof JsonObject limit)) {
        throw Fields.malformed("limits." + name, "must be an object");
      }
      parsed.put(window, limit(Fields.of(limit, "limits." + name + ".", LIMIT_FIELDS)));
    }
    return parsed;
  }

  /** One window's limit; its refusals name its fields in full ({@code limits.day.cap_micros}). */
  private static Limit limit(Fields fields) {
    return new Limit(
        Money.checkAmount(fields.fullName("cap_micros"), fields.exactInteger("cap_micros")),
        Limit.thresholds(fields.fullName("thresholds_pct"), percents(fields, "thresholds_pct")));
  }

  private static List<Integer> percents(Fields fields, String name) {
    if (!fields.has(name)) {
      return List.of();
    }
    JsonArray array = fields.array(name);
    List<Integer> percents = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String field = fields.fullName(name) + "[" + i + "]";
      percents.add((int) Fields.integerValue(field, array.getValue(i), 1, 99));
    }
    return percents;
  }

  private static GovernorException notFound(Scope scope) {
    return new GovernorException(
        ErrorCode.BUDGET_NOT_FOUND,
        "no budget is defined on " + scope,
        Map.of("scope", scope.path()));
  }
}
