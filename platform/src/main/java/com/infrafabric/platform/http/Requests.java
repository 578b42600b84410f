package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.scope.ScopeGrammar;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/** What route handlers read from a request the service has already vetted. */
public final class Requests {

  /**
   * The header naming a request a client may retry: read by the routes that honour it, echoed in
   * their answers, and what an answer of unknown outcome tells the client to retry with.
   */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /**
   * Request header by which a platform service names the tenant a request is for: the chassis, for
   * the tenant whose grant an LLM call spends under, so that one tenant's tool calls take that
   * tenant's share of a node's bounds, not the one share every tenant's calls through the service
   * would otherwise have in common.
   */
  public static final String ACTING_TENANT = "X-Acting-Tenant";

  static final String REQUEST_ID = "infrafabric.requestId";
  static final String PRINCIPAL = "infrafabric.principal";
  static final String ROUTE = "infrafabric.route";
  static final String TRACE_ID = "infrafabric.traceId";
  static final String MORE_REQUESTS = "infrafabric.moreRequests";
  static final String ACTING = "infrafabric.actingTenant";
  static final String UNSETTLED = "infrafabric.unsettled";
  private static final String OVER = "infrafabric.over";

  private Requests() {}

  /** Takes more requests from the caller's rate limit, for a request that does their work. */
  @FunctionalInterface
  interface MoreRequests {
    Future<Void> take(int requests);
  }

  /**
   * Charges the caller's rate limit {@code requests} more, for a request that carries the work of
   * several (an MCP batch: one for each message after the first), so that packing requests into one
   * never multiplies what the limit allows. Nothing to take on a route whose callers are not
   * limited per principal, or when {@code requests} is 0.
   *
   * @return failed with 429 {@code RATE_LIMITED} (with {@code Retry-After}) if the bucket holds
   *     fewer, or with the store's failure (the limit fails closed)
   */
  public static Future<Void> takeMoreRequests(RoutingContext ctx, int requests) {
    MoreRequests more = ctx.get(MORE_REQUESTS);
    return more == null || requests == 0 ? Future.succeededFuture() : more.take(requests);
  }

  /**
   * Takes one request from the caller's rate limit for a request of a settling route ({@link
   * Routes#settling}) refused with {@code refusal}: a client error settled nothing, so it costs
   * what any request does. Once only per request; nothing for a server error (what it settled is
   * unknown) or off a settling route.
   *
   * @return {@code refusal}, or the 429 {@code RATE_LIMITED} to answer instead once the bucket is
   *     empty; a limiter that cannot say leaves {@code refusal} as it is, since the request was
   *     refused either way
   */
  static Future<ApiException> chargeUnsettled(RoutingContext ctx, ApiException refusal) {
    MoreRequests charge = ctx.remove(UNSETTLED);
    if (charge == null || refusal.status() >= 500) {
      return Future.succeededFuture(refusal);
    }
    return charge
        .take(1)
        .map(taken -> refusal)
        .otherwise(failure -> failure instanceof ApiException limited ? limited : refusal);
  }

  /** The request id echoed in {@code X-Request-Id}, error bodies and logs. */
  public static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    return id != null ? id : "-";
  }

  /** The W3C trace id the caller's {@code traceparent} carried, or {@code "-"}. */
  public static String traceId(RoutingContext ctx) {
    String id = ctx.get(TRACE_ID);
    return id != null ? id : "-";
  }

  /**
   * The authenticated caller.
   *
   * @throws IllegalStateException on a route that is not authenticated (only liveness is not)
   */
  public static Principal principal(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null) {
      throw new IllegalStateException("route " + route(ctx) + " has no authenticated principal");
    }
    return principal;
  }

  /**
   * The body as one JSON object, read strictly.
   *
   * @throws ApiException 415 {@code UNSUPPORTED_MEDIA_TYPE} unless sent as {@code
   *     application/json}; 400 {@code MALFORMED_REQUEST} if empty, not JSON, not an object,
   *     repeating a key, or holding more values than the route reads (bodies over the limit were
   *     already refused with 413)
   */
  public static JsonObject jsonBody(RoutingContext ctx) {
    return StrictJson.object(
        ctx.request().getHeader(HttpHeaders.CONTENT_TYPE),
        ctx.body().buffer(),
        jsonValueLimit(ctx));
  }

  /**
   * The most JSON values the route of {@code ctx} reads in its body ({@link
   * Routes#withJsonValueLimit}); {@link StrictJson#MAX_BODY_VALUES} unless it declared more. For a
   * handler that parses its body itself.
   */
  public static int jsonValueLimit(RoutingContext ctx) {
    return BodyLimit.of(ctx).map(BodyLimit::maxJsonValues).orElse(StrictJson.MAX_BODY_VALUES);
  }

  /**
   * Checks the body of a route whose action takes no parameters: none, or the JSON object {@code
   * {}}. Anything else is refused as {@link #jsonBody} refuses it, or as an unknown field, so a
   * client asking for what the route cannot do (a partial release, say) hears so instead of a 200.
   *
   * @throws ApiException 400 {@code MALFORMED_REQUEST} or {@code INVALID_REQUEST}; 415 for a body
   *     not sent as {@code application/json}
   */
  public static void noBody(RoutingContext ctx) {
    if (ctx.body().length() > 0) {
      Fields.of(jsonBody(ctx), Set.of());
    }
  }

  /**
   * Notes when {@code ctx}'s end handlers run, for {@link #over}; the router's first step calls it,
   * so it is the last of them to run.
   */
  static void noteWhenOver(RoutingContext ctx) {
    ctx.addEndHandler(done -> ctx.put(OVER, Boolean.TRUE));
  }

  /**
   * True once the request is over: answered, or its connection failed or closed. A step that runs
   * after an asynchronous one asks before it takes anything an end handler gives back, since an end
   * handler added once they have run never runs. The response's state alone does not say it: a
   * reset connection reports its failure, which runs the end handlers, before it shows closed.
   */
  public static boolean over(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(OVER)) || ctx.response().ended() || ctx.response().closed();
  }

  /**
   * The tenant the authenticated caller acts in, by which the node's shared bounds are shared out:
   * a tenant token's own; for a platform caller (no scope), the tenant it names in {@value
   * #ACTING_TENANT} on a route that checks the name ({@link #actingTenant}), or "" (the platform's
   * own callers, counted as one tenant) when it names none.
   */
  static String tenant(RoutingContext ctx) {
    return principal(ctx).scope().isPresent() ? principalTenant(ctx) : actingTenant(ctx).orElse("");
  }

  /**
   * The tenant of the caller's own token, whatever a request names: "" for a platform caller. What
   * outlives one request (a kept-alive connection, which carries requests for many tenants) is the
   * caller's own.
   */
  static String principalTenant(RoutingContext ctx) {
    return principal(ctx).scope().map(ScopeGrammar::tenantOf).orElse("");
  }

  /**
   * The tenant a platform caller names in {@value #ACTING_TENANT}, once vetted: only a route
   * registered with {@link Routes#actingFor} takes one, from the callers it lets name one, and its
   * handler must check that what the request touches lies in that tenant (the node has already
   * shared its bounds out by the name). Empty when the request names none; a request naming one
   * anywhere else, malformed, or from a tenant token was refused before its route was reached.
   */
  public static Optional<String> actingTenant(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(ACTING));
  }

  /** The matched route template, e.g. {@code /v1/budgets/:scope}, or {@code UNMATCHED}. */
  static String route(RoutingContext ctx) {
    String route = ctx.get(ROUTE);
    return route != null ? route : "UNMATCHED";
  }
}
