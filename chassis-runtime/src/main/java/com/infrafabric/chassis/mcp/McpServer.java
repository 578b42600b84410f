package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.http.ChassisApi;
import com.infrafabric.chassis.http.LiveInvocations;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.ProtectedResource;
import com.infrafabric.platform.http.Routes;
import com.infrafabric.platform.http.StrictJson;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chassis as an MCP server: agents discover and call the tools their token grants over the
 * Model Context Protocol's Streamable HTTP transport at {@code /mcp}, with the same bearer tokens,
 * grants, limits and metrics as the REST API, since every call goes through {@link Chassis#invoke}.
 * Sessions live in Redis, so a load-balanced set of chassis nodes serves each session on any node;
 * only a notification stream is bound to the node that holds its connection.
 *
 * <p>Register its routes and its {@link #protectedResource()} on the chassis's HTTP service, and
 * {@link #close()} it before that service stops, which ends the open streams.
 */
public final class McpServer implements AutoCloseable {

  static final String METADATA_PATH = "/.well-known/oauth-protected-resource" + McpEndpoint.PATH;

  /** How often streams are sent a comment, and holds renewed: within a lease of four. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private static final Duration HOLD_LEASE = KEEP_ALIVE.multipliedBy(4);
  private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);

  private final Vertx vertx;
  private final McpSettings settings;
  private final McpStreams streams;
  private final HeldSessions held;
  private final RegisteredTools registered;
  private final McpEndpoint endpoint;
  private final OriginCheck origins;
  private final int maxBodyBytes;
  private final long pollTimer;
  private final long keepAliveTimer;

  /**
   * @param maxBodyBytes the largest MCP message, as the largest REST invocation body: the POST
   *     route's body limit
   * @param batchDeadline how long one batch may take, as one call may: the largest timeout a tool
   *     may have
   * @param allowedOrigins the browser origins the service allows (its CORS origins); a request
   *     carrying any other {@code Origin} is refused
   * @param live where running tool calls are held, so that a shutdown ends them answered
   */
  public McpServer(
      Vertx vertx,
      Chassis chassis,
      RedisStore redis,
      McpSettings settings,
      int maxBodyBytes,
      Duration batchDeadline,
      List<String> allowedOrigins,
      LiveInvocations live,
      MeterRegistry meters,
      Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.origins = new OriginCheck(allowedOrigins);
    this.maxBodyBytes = maxBodyBytes;
    McpSessions sessions = new McpSessions(redis, clock, settings, HOLD_LEASE);
    this.streams = new McpStreams(settings.maxStreams());
    InFlightCalls calls = new InFlightCalls();
    this.held = new HeldSessions(sessions, calls, streams);
    this.registered =
        new RegisteredTools(chassis, clock, settings.toolsPollInterval(), streams::toolsChanged);
    McpMetrics metrics = new McpMetrics(meters, streams::size);
    this.endpoint =
        new McpEndpoint(
            sessions,
            new McpMethods(chassis, registered, settings.pageSize(), live),
            streams,
            calls,
            held,
            metrics,
            clock,
            batchDeadline,
            live);
    this.pollTimer = vertx.setPeriodic(settings.toolsPollInterval().toMillis(), id -> poll());
    this.keepAliveTimer = vertx.setPeriodic(KEEP_ALIVE.toMillis(), id -> held.renew());
  }

  /**
   * {@code POST}, {@code GET} and {@code DELETE /mcp}, for agents (tenant tokens); {@code DELETE}
   * among the settling routes, rate limited only when it ends no session.
   */
  public void register(Routes routes) {
    Access agents = Access.tenant(ChassisApi.AGENT);
    routes
        .withBodyLimit(maxBodyBytes)
        .withJsonValueLimit(StrictJson.MAX_VALUES) // tools' inputs are free-form
        .post(McpEndpoint.PATH, agents, origins.guarding(endpoint::post));
    routes.get(McpEndpoint.PATH, agents, origins.guarding(endpoint::stream));
    // Ending a session frees what it holds: a caller whose rate limit is spent can still do it, but
    // a DELETE naming no live session of its own frees nothing and is charged (Routes#settling).
    routes.settling().delete(McpEndpoint.PATH, agents, origins.guarding(endpoint::delete));
  }

  /**
   * The protected-resource metadata (RFC 9728) the MCP authorization specification asks for, served
   * without a token; every 401 of the chassis points at it.
   */
  public ProtectedResource protectedResource() {
    return new ProtectedResource(METADATA_PATH, this::metadata, this::metadataUrl);
  }

  private void metadata(RoutingContext ctx) {
    JsonObject document =
        new JsonObject()
            .put("resource", resourceUrl(ctx.request()))
            .put("bearer_methods_supported", new JsonArray().add("header"))
            .put("resource_name", "InfraFabric chassis (MCP)");
    if (!settings.authorizationServers().isEmpty()) {
      document.put("authorization_servers", new JsonArray(settings.authorizationServers()));
    }
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        // Without publicUrl the document names the request's own origin: no cache may keep it.
        .putHeader(
            HttpHeaders.CACHE_CONTROL,
            settings.publicUrl().isPresent() ? "max-age=300" : "no-store")
        .end(document.toBuffer());
  }

  private String resourceUrl(HttpServerRequest request) {
    return settings
        .publicUrl()
        .map(URI::toString)
        .orElseGet(() -> RequestOrigin.of(request) + McpEndpoint.PATH);
  }

  private String metadataUrl(HttpServerRequest request) {
    return settings
        .publicUrl()
        .map(url -> url.resolve(METADATA_PATH).toString())
        .orElseGet(() -> RequestOrigin.of(request) + METADATA_PATH);
  }

  /** Looks for published or removed tools while anyone listens for them. */
  private void poll() {
    if (streams.size() > 0) {
      registered
          .refresh()
          .onFailure(
              failure -> LOG.warn("cannot read the registered tools: {}", failure.toString()));
    }
  }

  /** Stops the timers and ends every open stream; the HTTP service can then drain and stop. */
  @Override
  public void close() {
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(keepAliveTimer);
    streams.endAll();
  }
}
