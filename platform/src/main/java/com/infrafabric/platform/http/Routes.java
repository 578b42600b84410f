package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a service registers its routes: each with a method, a path template ({@code /v1/x/:id}),
 * who may call it, and a handler. Every service route is authenticated, rate limited ({@link
 * #settling} ones only when they settle nothing) and checked against its {@link Access} before the
 * handler runs; the handler reads the caller with {@link Requests#principal} and fails with {@link
 * ApiException}.
 */
public final class Routes {

  private static final List<String> RESERVED = List.of("/health", "/metrics");

  private final List<Registered> registered;
  private final AtomicReference<QueryParameters> query;
  private final boolean admissionControlled;
  private final boolean settling;
  private final WireDialect dialect;
  private final boolean limitedByDialect;
  private final OptionalLong maxBodyBytes;
  private final int maxJsonValues;
  private final Optional<Access> actingTenantNamers;

  Routes() {
    this(
        new ArrayList<>(),
        new AtomicReference<>(),
        false,
        false,
        WireDialect.PLATFORM,
        false,
        OptionalLong.empty(),
        StrictJson.MAX_BODY_VALUES,
        Optional.empty());
  }

  private Routes(
      List<Registered> registered,
      AtomicReference<QueryParameters> query,
      boolean admissionControlled,
      boolean settling,
      WireDialect dialect,
      boolean limitedByDialect,
      OptionalLong maxBodyBytes,
      int maxJsonValues,
      Optional<Access> actingTenantNamers) {
    this.registered = registered;
    this.query = query;
    this.admissionControlled = admissionControlled;
    this.settling = settling;
    this.dialect = dialect;
    this.limitedByDialect = limitedByDialect;
    this.maxBodyBytes = maxBodyBytes;
    this.maxJsonValues = maxJsonValues;
    this.actingTenantNamers = actingTenantNamers;
  }

  /**
   * Declares the query parameters of the service's operations: from then on, a request to a route
   * of the platform's dialect that names any other, or one twice, is refused. A foreign dialect's
   * routes take what its SDKs send.
   */
  public Routes declare(QueryParameters parameters) {
    if (!query.compareAndSet(null, Objects.requireNonNull(parameters, "parameters"))) {
      throw new IllegalStateException("the query parameters are declared twice");
    }
    return this;
  }

  /**
   * Where to register the latency-bound routes: those registered through the returned view share
   * the node's adaptive admission limit ({@link AdmissionSettings}), which refuses what the node
   * cannot serve within its latency at once, with 503 {@code OVERLOADED}, instead of queueing it.
   */
  public Routes admissionControlled() {
    return new Routes(
        registered,
        query,
        true,
        settling,
        dialect,
        limitedByDialect,
        maxBodyBytes,
        maxJsonValues,
        actingTenantNamers);
  }

  /**
   * Where to register the routes that settle what admission let in (a reservation's commit or
   * release, a lease's finish, an MCP session's end): never admission-controlled, and free of the
   * caller's rate limit when they settle something, since refusing one strands what it settles
   * until it expires, uncharged; what they settle was itself admitted and rate limited. One that is
   * refused (4xx: it names nothing of the caller's to settle, or may not settle it) settled
   * nothing, so it costs one request like any other, and is answered 429 {@code RATE_LIMITED}
   * instead once the caller's allowance is spent: without that, a caller past its limit could go on
   * sending requests that each cost the store a lookup (1,000 {@code DELETE /mcp} naming no
   * session, all served 404 to an agent whose every {@code POST} was 429).
   */
  public Routes settling() {
    return new Routes(
        registered,
        query,
        false,
        true,
        dialect,
        limitedByDialect,
        maxBodyBytes,
        maxJsonValues,
        actingTenantNamers);
  }

  /**
   * Where to register routes that speak {@code dialect}: their callers are found and their errors
   * answered its way; the rest of their chain is every route's.
   */
  public Routes speaking(WireDialect dialect) {
    return new Routes(
        registered,
        query,
        admissionControlled,
        settling,
        Objects.requireNonNull(dialect, "dialect"),
        limitedByDialect,
        maxBodyBytes,
        maxJsonValues,
        actingTenantNamers);
  }

  /**
   * Where to register the routes whose handlers hold the dialect's self-limiting callers ({@link
   * WireDialect.Callers#limitsItself}) to the dialect's own limits: on these alone, the service's
   * per-principal limit takes nothing from those callers. On any other route it does, so a route
   * whose handler takes nothing from a caller's own limits still holds it to the service's: a
   * gateway's model list, taking nothing from a virtual key, was exempt from every limit, 14,013
   * answers in 6 s on a key of 2 requests a minute.
   */
  public Routes limitedByDialect() {
    return new Routes(
        registered,
        query,
        admissionControlled,
        settling,
        dialect,
        true,
        maxBodyBytes,
        maxJsonValues,
        actingTenantNamers);
  }

  /**
   * Where to register routes whose bodies may be up to {@code maxBytes} (1 B..{@value
   * HttpSettings#MAX_BODY_CAP}) instead of the service's {@code http.maxBodyBytes}: a route
   * declares here what its largest legitimate body is, and a larger one is refused before it is
   * buffered (413 {@code PAYLOAD_TOO_LARGE} at once for a larger {@code Content-Length}, a chunked
   * one cut at the limit), and the time and the share of the node's body bytes ({@link
   * ConnectionLimits#bodyBytesInFlight}) a body may hold follow from it.
   */
  public Routes withBodyLimit(long maxBytes) {
    HttpSettings.requireBodyLimit("a route's body limit", maxBytes);
    return new Routes(
        registered,
        query,
        admissionControlled,
        settling,
        dialect,
        limitedByDialect,
        OptionalLong.of(maxBytes),
        maxJsonValues,
        actingTenantNamers);
  }

  /**
   * Where to register routes whose JSON bodies may hold up to {@code maxValues} values (1..{@value
   * StrictJson#MAX_VALUES}) instead of {@value StrictJson#MAX_BODY_VALUES}: those whose bodies are
   * free-form (a gateway call, a tool's input). The body is refused once the parser reaches one
   * more value, before the rest of it is built.
   */
  public Routes withJsonValueLimit(int maxValues) {
    if (maxValues < 1 || maxValues > StrictJson.MAX_VALUES) {
      throw new IllegalArgumentException(
          "a route's JSON value limit " + maxValues + " is outside 1.." + StrictJson.MAX_VALUES);
    }
    return new Routes(
        registered,
        query,
        admissionControlled,
        settling,
        dialect,
        limitedByDialect,
        maxBodyBytes,
        maxValues,
        actingTenantNamers);
  }

  /**
   * Where to register the routes whose handlers check that what a request touches lies in the
   * tenant its caller names in {@value Requests#ACTING_TENANT}: on these alone a caller {@code
   * namers} permits may name one, and the request then takes that tenant's share of the node's
   * bounds (in flight, admission, body bytes). Anywhere else, and from any other caller, the header
   * is refused with 400 {@code INVALID_REQUEST}: a route that never checks the name would take it
   * at its word, and move the request into another tenant's share.
   */
  public Routes actingFor(Access namers) {
    return new Routes(
        registered,
        query,
        admissionControlled,
        settling,
        dialect,
        limitedByDialect,
        maxBodyBytes,
        maxJsonValues,
        Optional.of(Objects.requireNonNull(namers, "namers")));
  }

  public Routes get(String path, Access access, Handler<RoutingContext> handler) {
    return add(HttpMethod.GET, path, access, handler);
  }

  public Routes post(String path, Access access, Handler<RoutingContext> handler) {
    return add(HttpMethod.POST, path, access, handler);
  }

  public Routes put(String path, Access access, Handler<RoutingContext> handler) {
    return add(HttpMethod.PUT, path, access, handler);
  }

  public Routes patch(String path, Access access, Handler<RoutingContext> handler) {
    return add(HttpMethod.PATCH, path, access, handler);
  }

  public Routes delete(String path, Access access, Handler<RoutingContext> handler) {
    return add(HttpMethod.DELETE, path, access, handler);
  }

  /**
   * Registers a route.
   *
   * @throws IllegalArgumentException if the path does not start with {@code /}, lies under a
   *     platform path ({@code /health}, {@code /metrics}) or is already registered for the method
   */
  public Routes add(
      HttpMethod method, String path, Access access, Handler<RoutingContext> handler) {
    RouteDescriptor descriptor =
        new RouteDescriptor(method, path, Objects.requireNonNull(access, "access"));
    Objects.requireNonNull(handler, "handler");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path " + path + " must start with /");
    }
    if (RESERVED.stream().anyMatch(path::startsWith)) {
      throw new IllegalArgumentException("route path " + path + " is reserved for the platform");
    }
    if (registered.stream().anyMatch(r -> r.sameEndpoint(descriptor))) {
      throw new IllegalArgumentException(
          "route " + method.name() + " " + path + " is registered twice");
    }
    registered.add(
        new Registered(
            descriptor,
            handler,
            admissionControlled,
            settling,
            dialect,
            limitedByDialect,
            maxBodyBytes,
            maxJsonValues,
            actingTenantNamers));
    return this;
  }

  List<Registered> registered() {
    return List.copyOf(registered);
  }

  /** The declared query parameters, if any were. */
  Optional<QueryParameters> queryParameters() {
    return Optional.ofNullable(query.get());
  }

  /**
   * @param maxBodyBytes the route's own body limit; empty for the service's {@code
   *     http.maxBodyBytes}
   * @param maxJsonValues the most values its JSON body may hold
   * @param actingTenantNamers who may name the tenant a request acts for ({@link #actingFor});
   *     empty: nobody
   */
  record Registered(
      RouteDescriptor descriptor,
      Handler<RoutingContext> handler,
      boolean admissionControlled,
      boolean settling,
      WireDialect dialect,
      boolean limitedByDialect,
      OptionalLong maxBodyBytes,
      int maxJsonValues,
      Optional<Access> actingTenantNamers) {
    boolean sameEndpoint(RouteDescriptor other) {
      return descriptor.method().equals(other.method()) && descriptor.path().equals(other.path());
    }
  }
}
