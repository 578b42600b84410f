package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Builds the router in the order every service shares: the accounting every request passes ({@link
 * RequestAccounting}: its connection's count, request id, access log and metrics), the refusals of
 * a head, target, framing or path the service will not serve, CORS (only if configured), then each
 * route with its own chain, and the failure handler for all of it. A route's chain authenticates on
 * the headers alone, then counts the request against the in-flight bound and, on a latency-bound
 * route, the adaptive admission limit, takes a rate-limit token and checks access, and only then
 * reads the body for the handler, bounded by the route's own limit (before a byte is read when the
 * length is announced), in time, and in the bytes the node and its tenant hold ({@link
 * BodyBudget}): an anonymous or refused client never makes the service read its body nor takes a
 * slot an authenticated caller needs.
 */
final class RouterAssembly {

  private final HttpSettings settings;
  private final JwtAuthenticator authenticator;
  private final RateLimiter rateLimiter;
  private final ErrorTranslator errors;
  private final ConnectionGuard connections;
  private final InFlightLimit inFlight;
  private final AdmissionLimit admission;
  private final BodyBudget bodies;
  private final RequestAccounting accounting;
  private final List<RouteDescriptor> descriptors = new ArrayList<>();
  private DialectsByPath dialects;

  /** Its refusals close the connection, answered in the dialect of the request's path. */
  private final RequestFraming framing =
      new RequestFraming((ctx, error) -> dialects.closeWith(ctx, error));

  RouterAssembly(
      HttpSettings settings,
      JwtAuthenticator authenticator,
      RateLimiter rateLimiter,
      MeterRegistry meters,
      ErrorTranslator errors,
      ConnectionGuard connections) {
    this.settings = settings;
    this.connections = connections;
    this.inFlight = new InFlightLimit(settings.maxInFlight(), meters);
    this.admission = new AdmissionLimit(settings.admission(), meters);
    this.bodies = new BodyBudget(settings.connections().bodyBytesInFlight(), meters);
    this.accounting = new RequestAccounting(connections, meters);
    this.authenticator = authenticator;
    this.rateLimiter = rateLimiter;
    this.errors = errors;
  }

  Router assemble(
      Vertx vertx,
      PlatformRoutes platform,
      Access metricsAccess,
      Optional<ScrapeToken> scrapeToken,
      List<Routes.Registered> routes,
      Optional<QueryParameters> query,
      Optional<ProtectedResource> resource) {
    Router router = Router.router(vertx);
    router.route().handler(accounting);
    router.route().handler(UnreadableHead::refuse);
    router.route().handler(new RequestTarget());
    router.route().handler(framing);
    router.route().handler(new RequestPath((ctx, error) -> dialects.closeWith(ctx, error)));
    if (settings.cors().enabled()) {
      router.route().handler(cors(settings.cors()));
    }
    anonymous(router, PlatformRoutes.LIVE, platform::live);
    anonymousUnlessBearer(router, PlatformRoutes.READY, platform::ready);
    resource.ifPresent(r -> anonymous(router, r.path(), r.document()));
    metrics(router, metricsAccess, scrapeToken, platform::metrics);
    for (Routes.Registered route : routes) {
      RouteDescriptor d = route.descriptor();
      Chain chain =
          new Chain(
              rateLimiter != null,
              route.settling(),
              route.admissionControlled(),
              route.limitedByDialect());
      Optional<Handler<RoutingContext>> queryCheck =
          route.dialect() == WireDialect.PLATFORM ? query.map(q -> q.check(d)) : Optional.empty();
      Route registered =
          authenticated(
              router,
              d.method(),
              d.path(),
              d.access(),
              chain,
              route.dialect(),
              queryCheck,
              new ActingTenant(route.actingTenantNamers()),
              new BodyLimit(
                  route.maxBodyBytes().orElse(settings.maxBodyBytes()), route.maxJsonValues()),
              route.handler());
      if (route.dialect() != WireDialect.PLATFORM) {
        registered.failureHandler(failures(resource, route.dialect()));
      }
    }
    dialects =
        new DialectsByPath(
            routes.stream()
                .map(Routes.Registered::dialect)
                .filter(dialect -> dialect != WireDialect.PLATFORM)
                .distinct()
                .toList(),
            dialect -> failures(resource, dialect),
            descriptors);
    Handler<RoutingContext> unrouted = dialects.unrouted();
    // A failure no route's own handler answers: one before routing (the request target's bound,
    // the framing's refusals, a head the decoder could not read, vertx-web's 400 for a request
    // without Host and 404 for a target without a leading slash), or on a path no route matches.
    router.route().failureHandler(unrouted);
    // 400: a path the router cannot decode (a bad percent-escape), answered before any route.
    router.errorHandler(400, unrouted);
    router.errorHandler(404, unrouted);
    router.errorHandler(405, unrouted);
    router.errorHandler(500, unrouted);
    return router;
  }

  private FailureHandler failures(Optional<ProtectedResource> resource, WireDialect dialect) {
    return new FailureHandler(errors, resource, dialect.errors(), accounting);
  }

  List<RouteDescriptor> descriptors() {
    return List.copyOf(descriptors);
  }

  private void anonymous(Router router, String path, Handler<RoutingContext> handler) {
    descriptors.add(new RouteDescriptor(HttpMethod.GET, path, null));
    readable(router, path).handler(tag(path)).handler(QueryParameters.none()).handler(handler);
  }

  /**
   * Anonymous, as probes send no token; a request that does carry one goes through the whole
   * authentication chain (a bad token is still 401), is charged to its caller's rate limit for the
   * evaluation of its own it gets ({@link ChargedEvaluation}), and the handler sees its principal.
   */
  private void anonymousUnlessBearer(Router router, String path, Handler<RoutingContext> handler) {
    descriptors.add(new RouteDescriptor(HttpMethod.GET, path, null));
    Route route =
        readable(router, path)
            .handler(tag(path))
            .handler(QueryParameters.none())
            .handler(
                ctx -> {
                  if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
                    handler.handle(ctx);
                  } else {
                    ctx.next();
                  }
                });
    authenticate(
        route,
        Access.authenticated(),
        Chain.PLATFORM,
        WireDialect.PLATFORM,
        Optional.empty(),
        NOBODY_ACTS,
        serviceBodyLimit(),
        rateLimiter == null ? handler : new ChargedEvaluation(rateLimiter, handler));
  }

  /**
   * A route for GET and for HEAD, which monitoring tools probe with: the server answers a HEAD with
   * the status and headers the GET would get and leaves the body out. The route's descriptor stays
   * the GET it documents.
   */
  private static Route readable(Router router, String path) {
    return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
  }

  /**
   * {@code /metrics} for a token holder with {@code access}, charged to its rate limit as every
   * authenticated request is (each one renders every meter), or for a scraper presenting the
   * configured scrape token, which skips only the JWT: nothing else is served for it.
   */
  private void metrics(
      Router router,
      Access access,
      Optional<ScrapeToken> scrapeToken,
      Handler<RoutingContext> handler) {
    String path = PlatformRoutes.METRICS;
    descriptors.add(new RouteDescriptor(HttpMethod.GET, path, access));
    Route route =
        router.route(HttpMethod.GET, path).handler(tag(path)).handler(QueryParameters.none());
    scrapeToken.ifPresent(
        token ->
            route.handler(
                ctx -> {
                  String bearer =
                      AuthenticationHandler.bearerToken(
                          ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
                  if (token.matches(bearer)) {
                    connections
                        .authenticated(ctx, SCRAPER)
                        .ifPresentOrElse(ctx::fail, () -> handler.handle(ctx));
                  } else {
                    ctx.next();
                  }
                }));
    authenticate(
        route,
        access,
        new Chain(rateLimiter != null, false, false, false),
        WireDialect.PLATFORM,
        Optional.empty(),
        NOBODY_ACTS,
        serviceBodyLimit(),
        handler);
  }

  /** Whom a connection that presented the scrape token counts against: the platform's callers. */
  private static final ConnectionGuard.Owner SCRAPER = new ConnectionGuard.Owner("", "scraper");

  private Route authenticated(
      Router router,
      HttpMethod method,
      String path,
      Access access,
      Chain chain,
      WireDialect dialect,
      Optional<Handler<RoutingContext>> queryCheck,
      ActingTenant acting,
      BodyLimit body,
      Handler<RoutingContext> handler) {
    descriptors.add(new RouteDescriptor(method, path, access));
    Route route = router.route(method, path).handler(tag(path));
    authenticate(
        route,
        access,
        chain,
        dialect,
        queryCheck,
        acting,
        body,
        method == HttpMethod.GET || method == HttpMethod.DELETE ? noBody(handler) : handler);
    return route;
  }

  /**
   * The chain after the route's tag: authentication, the vetting of the tenant the caller names
   * ({@link ActingTenant}), the in-flight bound, the rate limit as {@code chain} says, the access
   * check, the query check if there is one, and only then the body, of at most {@code body}'s limit
   * ({@link #readsBody}). On an admission-controlled route, admission's gate comes first instead,
   * and its slot and then the rate limit once the body is read: a client trickling its body in
   * holds no slot, and the slot covers all of the request's Redis work, the rate limit's round trip
   * too. A request the gate sheds is still charged to its caller's rate limit, and one whose caller
   * this node knows to be past its limit is refused 429 before the gate, so a flood that is shed
   * meets its 429 too.
   */
  private void authenticate(
      Route route,
      Access access,
      Chain chain,
      WireDialect dialect,
      Optional<Handler<RoutingContext>> queryCheck,
      ActingTenant acting,
      BodyLimit body,
      Handler<RoutingContext> handler) {
    Optional<RateLimitHandler> rateLimit =
        chain.rateLimited()
            ? Optional.of(new RateLimitHandler(rateLimiter, chain.limitedElsewhere(dialect)))
            : Optional.empty();
    route
        .handler(new AuthenticationHandler(authenticator, dialect.callers(), connections))
        .handler(acting)
        .handler(inFlight);
    if (chain.admissionControlled()) {
      rateLimit.ifPresent(limit -> route.handler(limit::refuseKnown));
      route.handler(
          admission.gate(rateLimit.<Handler<RoutingContext>>map(l -> l::chargeShed).orElse(NONE)));
    } else if (chain.settling()) {
      rateLimit.ifPresent(limit -> route.handler(limit::chargeIfUnsettled));
    } else {
      rateLimit.ifPresent(route::handler);
    }
    route.handler(new AccessHandler(access));
    queryCheck.ifPresent(route::handler);
    readsBody(route, body);
    if (chain.admissionControlled()) {
      route.handler(admission);
      rateLimit.ifPresent(route::handler);
    }
    route.handler(handler);
  }

  /** The platform's own routes act in no tenant a caller names. */
  private static final ActingTenant NOBODY_ACTS = new ActingTenant(Optional.empty());

  /** What the gate of a route without a rate limit does with a request it sheds: nothing. */
  private static final Handler<RoutingContext> NONE = ctx -> {};

  /**
   * The steps that read a body of at most {@code limit}'s bytes: the limit (an announced length
   * over it is refused before a byte is read), the node's body bytes, the deadline, then the
   * reader, which cuts a chunked body at the limit.
   *
   * @throws IllegalArgumentException if one tenant's share of the body bytes cannot hold such a
   *     body
   */
  private void readsBody(Route route, BodyLimit limit) {
    long maxBytes = limit.maxBytes();
    if (maxBytes > bodies.tenantShareBytes()) {
      throw new IllegalArgumentException(
          "a route taking bodies of "
              + maxBytes
              + " bytes needs http.bodyBytesInFlight of at least "
              + 2 * maxBytes
              + ": one tenant holds at most half of its "
              + settings.connections().bodyBytesInFlight());
    }
    route
        .handler(limit)
        .handler(bodies)
        .handler(new BodyDeadline(settings.connections()))
        .handler(readBody(BodyHandler.create(false).setBodyLimit(maxBytes), framing));
  }

  /** The body limit of the platform's own routes: the service's, with the default JSON values. */
  private BodyLimit serviceBodyLimit() {
    return new BodyLimit(settings.maxBodyBytes(), StrictJson.MAX_BODY_VALUES);
  }

  /**
   * A GET or a DELETE names what it reads or removes in its path (and query): a body other than
   * none or {@code {}} is refused, so a client that sent one (a filter, a condition) hears that it
   * was not read.
   */
  private static Handler<RoutingContext> noBody(Handler<RoutingContext> handler) {
    return ctx -> {
      Requests.noBody(ctx);
      handler.handle(ctx);
    };
  }

  /**
   * The body handler as an ordinary step of the route: vertx-web would otherwise insist on reading
   * the body before authentication, which is exactly what an anonymous trickling client exploits.
   * Its own handler of read failures answers a malformed chunk with a 500; the framing's answers
   * it.
   */
  private static Handler<RoutingContext> readBody(BodyHandler body, RequestFraming framing) {
    return ctx -> {
      if (ctx.request().isEnded()) {
        ctx.next(); // it had ended before it could be held: there is no body to read
      } else {
        body.handle(ctx);
        framing.watchBody(ctx);
      }
    };
  }

  /**
   * The optional steps of a route's chain.
   *
   * @param settling true if the route settles what was admitted ({@link Routes#settling}): the rate
   *     limit then charges only a request refused there, which settled nothing
   * @param limitedByDialect true if the handler holds the dialect's self-limiting callers to their
   *     own limits ({@link Routes#limitedByDialect}): the rate limit then takes nothing from them
   */
  private record Chain(
      boolean rateLimited,
      boolean settling,
      boolean admissionControlled,
      boolean limitedByDialect) {
    static final Chain PLATFORM = new Chain(false, false, false, false);

    /**
     * The callers the route's rate limit takes nothing from: none unless the handler limits them.
     */
    Predicate<Principal> limitedElsewhere(WireDialect dialect) {
      return limitedByDialect ? dialect.callers()::limitsItself : caller -> false;
    }
  }

  private static Handler<RoutingContext> tag(String path) {
    return ctx -> {
      ctx.put(Requests.ROUTE, path);
      ctx.next();
    };
  }

  private static CorsHandler cors(CorsSettings cors) {
    return CorsHandler.create()
        .addOrigins(cors.allowedOrigins())
        .allowedMethods(
            Set.of(
                HttpMethod.GET,
                HttpMethod.POST,
                HttpMethod.PUT,
                HttpMethod.PATCH,
                HttpMethod.DELETE))
        .allowedHeaders(
            Set.of(
                HttpHeaders.AUTHORIZATION.toString(),
                HttpHeaders.CONTENT_TYPE.toString(),
                RequestId.HEADER,
                Requests.IDEMPOTENCY_KEY))
        .exposedHeaders(
            Set.of(
                RequestId.HEADER,
                HttpHeaders.RETRY_AFTER.toString(),
                Requests.IDEMPOTENCY_KEY,
                "Idempotent-Replayed"));
  }
}
