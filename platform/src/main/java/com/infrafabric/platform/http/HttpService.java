package com.infrafabric.platform.http;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.health.Readiness;
import com.infrafabric.platform.health.ReadinessCheck;
import com.infrafabric.platform.ratelimit.RateLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP service (the governor's or the chassis' REST API) on the shared platform: JWT
 * authentication on every route but liveness, per-principal rate limits, bounded bodies and
 * concurrency, one JSON error shape, request ids, access logs, metrics, health and graceful
 * shutdown.
 *
 * <pre>{@code
 * HttpService service = HttpService.builder(vertx)
 *     .settings(HttpSettings.defaults().withPort(8080))
 *     .authenticator(JwtAuthenticator.create(vertx, jwtSettings, clock))
 *     .rateLimiter(RateLimiter.create(store, policy, clock, meters))
 *     .meters(meters)
 *     .readinessCheck("redis", RedisReadinessCheck.of(store, scripts))
 *     .errors(GovernorErrors::translate)
 *     .routes(routes -> routes.post("/v1/reservations", Access.tenant("agent"), this::reserve))
 *     .build();
 * service.start().await();   // from a non-event-loop thread
 * }</pre>
 *
 * <p>{@link #start()} and {@link #stop()} are called once each, from one owner.
 */
public final class HttpService {

  private final Vertx vertx;
  private final HttpSettings settings;
  private final JwtAuthenticator authenticator;
  private final Router router;
  private final List<RouteDescriptor> routes;
  private final ConnectionGuard connections;
  private final Readiness readiness;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private String deployment;

  private HttpService(Builder builder) {
    this.vertx = builder.vertx;
    this.settings = builder.settings;
    this.authenticator = Objects.requireNonNull(builder.authenticator, "authenticator");
    Objects.requireNonNull(builder.meters, "meters");
    Routes serviceRoutes = new Routes();
    builder.routes.accept(serviceRoutes);
    this.connections = new ConnectionGuard(vertx, settings.connections());
    RouterAssembly assembly =
        new RouterAssembly(
            settings,
            authenticator,
            builder.rateLimiter,
            builder.meters,
            builder.errors,
            connections);
    this.readiness = new Readiness(builder.checks, settings.readinessDeadline());
    Gauge.builder("service.ready", readiness, r -> r.lastUp() ? 1 : 0)
        .description(
            "1 if the latest readiness evaluation (a real Redis round trip, run by every scrape)"
                + " was up")
        .register(builder.meters);
    PlatformRoutes platform = new PlatformRoutes(readiness, builder.meters);
    this.router =
        assembly.assemble(
            vertx,
            platform,
            builder.metricsAccess,
            builder.scrapeToken,
            serviceRoutes.registered(),
            serviceRoutes.queryParameters(),
            builder.resource);
    this.routes = assembly.descriptors();
  }

  public static Builder builder(Vertx vertx) {
    return new Builder(vertx);
  }

  /**
   * Loads the verification keys, then listens with one server on each of {@link
   * HttpSettings#eventLoops()} event loops. Fails if the key file is unusable or the port is taken.
   *
   * <p>Each server is deployed as its own verticle instance, because Vert.x gives each instance an
   * event loop of its own (round robin over its pool of twice the cores) and spreads the accepted
   * connections over the servers that share a port; a server started outside a verticle would take
   * every connection on the one loop of the context it was started from. Everything a request
   * reaches is therefore called from several event loops at once, and is thread-safe.
   */
  public Future<HttpService> start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(settings.host())
            .setPort(sharedPort())
            .setIdleTimeout((int) settings.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setMaxInitialLineLength(RequestTarget.MAX_LINE_BYTES)
            // Without h2c detection a connection is handed to the guard as soon as it opens, not
            // once its first request's headers are complete (which a trickler never makes them).
            .setHttp2ClearTextEnabled(false);
    return authenticator
        .loadKeys()
        .compose(
            v ->
                vertx.deployVerticle(
                    () -> (Deployable) context -> listen(options),
                    new DeploymentOptions().setInstances(settings.eventLoops())))
        .map(
            deployment -> {
              this.deployment = deployment;
              connections.start();
              return this;
            });
  }

  private Future<HttpServer> listen(HttpServerOptions options) {
    return vertx
        .createHttpServer(options)
        .connectionHandler(connections::opened)
        // A head the decoder could not read is refused by the router too, so that its answer is
        // accounted for as every other one is (UnreadableHead).
        .invalidRequestHandler(router)
        .requestHandler(router)
        .listen()
        .onSuccess(servers::add);
  }

  /**
   * The port every server binds. Vert.x shares a port between servers only when they name it, and
   * each server asked for port 0 would get a port of its own, so port 0 (tests) with more than one
   * event loop becomes a free loopback port found here first.
   */
  private int sharedPort() {
    if (settings.port() != 0 || settings.eventLoops() == 1) {
      return settings.port();
    }
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(settings.host()))) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + settings.host(), e);
    }
  }

  /** The port actually bound (useful with port 0). */
  /** The guard of this service's connections, for the tests of its bounds. */
  ConnectionGuard connections() {
    return connections;
  }

  public int port() {
    if (servers.isEmpty()) {
      throw new IllegalStateException("the service is not started");
    }
    return servers.get(0).actualPort();
  }

  /** Every route with its method, path template and access, platform routes included. */
  public List<RouteDescriptor> routes() {
    return routes;
  }

  /**
   * Reports not ready from now on ({@code GET /health/ready} 503, check {@code shutdown}) while
   * still serving: a load balancer stops sending new requests before the listener closes, and a
   * service whose requests another one's drain still needs (the chassis settles its model calls
   * with the governor) can serve them. Never undone; {@link #stop()} does it first.
   */
  public void drain() {
    readiness.drain();
  }

  /**
   * Reports not ready ({@link #drain()}), stops accepting connections, lets in-flight requests
   * finish for up to the shutdown grace, then closes whatever is left. The work a request leaves
   * behind (a settlement after its answer) is its service's to await before the store closes.
   */
  public Future<Void> stop() {
    drain();
    connections.stop();
    List<Future<Void>> shutdowns =
        servers.stream().map(server -> server.shutdown(settings.shutdownGrace())).toList();
    return Future.join(shutdowns)
        .<Void>mapEmpty()
        .eventually(
            () -> deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment));
  }

  /** Assembles an {@link HttpService}; authenticator and meters are required. */
  public static final class Builder {
    private final Vertx vertx;
    private HttpSettings settings = HttpSettings.defaults();
    private JwtAuthenticator authenticator;
    private RateLimiter rateLimiter;
    private PrometheusMeterRegistry meters;
    private Access metricsAccess = Access.authenticated();
    private Optional<ScrapeToken> scrapeToken = Optional.empty();
    private ErrorTranslator errors = ErrorTranslator.none();
    private final Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    private Consumer<Routes> routes = r -> {};
    private Optional<ProtectedResource> resource = Optional.empty();

    private Builder(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
    }

    public Builder settings(HttpSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder authenticator(JwtAuthenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /** Limits every service route per principal; without it no route is rate limited. */
    public Builder rateLimiter(RateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
      return this;
    }

    /** The registry every metric goes to, scraped at {@code GET /metrics}. */
    public Builder meters(PrometheusMeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
      return this;
    }

    /** Who may scrape {@code /metrics}; any authenticated principal by default. */
    public Builder metricsAccess(Access metricsAccess) {
      this.metricsAccess = Objects.requireNonNull(metricsAccess, "metricsAccess");
      return this;
    }

    /** A static token a scraper may present for {@code /metrics} besides {@link #metricsAccess}. */
    public Builder scrapeToken(Optional<ScrapeToken> scrapeToken) {
      this.scrapeToken = Objects.requireNonNull(scrapeToken, "scrapeToken");
      return this;
    }

    /** How the service's own exceptions become API errors; none are translated by default. */
    public Builder errors(ErrorTranslator errors) {
      this.errors = Objects.requireNonNull(errors, "errors");
      return this;
    }

    /** Adds a check run by {@code GET /health/ready}. */
    public Builder readinessCheck(String name, ReadinessCheck check) {
      if (checks.putIfAbsent(name, Objects.requireNonNull(check, "check")) != null) {
        throw new IllegalArgumentException("readiness check " + name + " is registered twice");
      }
      return this;
    }

    /** Registers the service's own routes. */
    public Builder routes(Consumer<Routes> routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /**
     * Makes the service an OAuth protected resource: its metadata document is served without a
     * token and every 401 points at it.
     */
    public Builder protectedResource(ProtectedResource resource) {
      this.resource = Optional.of(resource);
      return this;
    }

    public HttpService build() {
      return new HttpService(this);
    }
  }
}
