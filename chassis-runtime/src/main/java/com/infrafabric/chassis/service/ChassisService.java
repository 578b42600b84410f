package com.infrafabric.chassis.service;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.credential.CredentialVault;
import com.infrafabric.chassis.http.ChassisApi;
import com.infrafabric.chassis.http.LiveInvocations;
import com.infrafabric.chassis.llm.BudgetPort;
import com.infrafabric.chassis.mcp.McpServer;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.http.HttpService;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The chassis as a running service: its REST API over a {@link Chassis}, on the process's shared
 * Vert.x and Redis client, with the vault when the settings hold master keys and the budget port
 * the caller gives for LLM calls.
 *
 * <p>{@link #start} fails if the token keys cannot be read, the port cannot be bound, or model
 * providers are configured without a budget port; {@link #stop} stops accepting requests, drains
 * those in flight, then stops the guest threads. The Redis client, Vert.x and the budget port
 * belong to the caller, who closes them after {@code stop}; a key-value Redis of its own ({@code
 * chassis.kv.redisUrl}) belongs to the service.
 */
public final class ChassisService {

  private final Chassis chassis;
  private final Optional<RedisStore> kvRedis;
  private final ChassisApi api;
  private final McpServer mcp;
  private final HttpService http;
  private final Vertx vertx;

  /** The REST invocations and MCP tool calls running, which a stop ends before its grace does. */
  private final LiveInvocations live = new LiveInvocations();

  /** How long a stop lets the invocations run before it ends them itself. */
  private final Duration cutInFlightAfter;

  private ChassisService(
      Vertx vertx,
      RedisStore redis,
      ChassisSettings settings,
      Optional<BudgetPort> budget,
      PrometheusMeterRegistry meters,
      Clock clock) {
    Chassis.Builder builder =
        Chassis.builder()
            .config(settings.operator())
            .vertx(vertx)
            .redis(redis)
            .meters(meters)
            .clock(clock);
    settings.masterKeys().ifPresent(builder::masterKeys);
    budget.ifPresent(builder::budget);
    RedisSettings shared = redis.settings();
    this.kvRedis =
        settings
            .kvRedis()
            .map(endpoint -> RedisStore.create(vertx, shared.withEndpoint(endpoint), meters));
    kvRedis.ifPresent(builder::kvRedis);
    this.chassis = builder.build();
    Optional<CredentialVault> vault = settings.masterKeys().map(keys -> chassis.credentials());
    this.api =
        new ChassisApi(
            vertx,
            chassis,
            settings.operator().limitCaps(),
            vault,
            settings.maxRegistrationBytes(),
            settings.maxInputBytes(),
            live,
            meters);
    this.mcp =
        new McpServer(
            vertx,
            chassis,
            redis,
            settings.mcp(),
            settings.maxInputBytes(),
            settings.operator().limitCaps().timeout(),
            settings.platform().http().cors().allowedOrigins(),
            live,
            meters,
            clock);
    this.vertx = vertx;
    this.cutInFlightAfter = settings.platform().http().cutInFlightAfter();
    this.http =
        settings
            .platform()
            .httpService(vertx, redis, meters, clock)
            .metricsAccess(Access.platform(ChassisApi.OPERATOR))
            .readinessCheck("redis", RedisReadinessCheck.of(redis, List.of()))
            .errors(api.errors())
            .protectedResource(mcp.protectedResource())
            .routes(
                routes -> {
                  api.register(routes);
                  mcp.register(routes);
                })
            .build();
  }

  /**
   * Builds the chassis, readies its stores ({@link Chassis#prepareStores}) and listens; on failure
   * nothing is left running.
   *
   * @param budget where the cost of LLM calls is reserved ({@code GovernorHttpBudget}, or an
   *     adapter over a governor in the same process); required when the settings configure model
   *     providers
   */
  public static Future<ChassisService> start(
      Vertx vertx,
      RedisStore redis,
      ChassisSettings settings,
      Optional<BudgetPort> budget,
      PrometheusMeterRegistry meters,
      Clock clock) {
    ChassisService service;
    try {
      service = new ChassisService(vertx, redis, settings, budget, meters, clock);
    } catch (IllegalStateException misconfigured) {
      return Future.failedFuture(misconfigured);
    }
    return service
        .kvStoreFit()
        .compose(fit -> service.chassis.prepareStores())
        .compose(prepared -> service.http.start())
        .map(ignored -> service)
        .onFailure(failure -> service.release());
  }

  /**
   * Refuses a key-value Redis of its own ({@code chassis.kv.redisUrl}) that would evict or forget
   * what it is given, as the launcher refuses the shared one: each tenant's stored bytes are
   * counted beside its data, and scripts sent to an unfit master fail at once ({@link
   * RedisStore#refusal()}), so an unfit one would fail every tool's writes from the start.
   */
  private Future<Void> kvStoreFit() {
    if (kvRedis.isEmpty()) {
      return Future.succeededFuture();
    }
    return kvRedis
        .get()
        .refusal()
        .compose(
            refusal ->
                refusal.isEmpty()
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new IllegalStateException("chassis.kv.redisUrl: " + refusal.get())));
  }

  public int port() {
    return http.port();
  }

  public List<RouteDescriptor> routes() {
    return http.routes();
  }

  /**
   * Ends the MCP notification streams, stops accepting, drains in-flight requests (just before the
   * grace ends, the REST invocations and MCP tool calls still running are cancelled and answered
   * {@code UNAVAILABLE}), then stops the guest threads.
   */
  public Future<Void> stop() {
    mcp.close();
    vertx.setTimer(Math.max(1, cutInFlightAfter.toMillis()), id -> live.cancelAll());
    return http.stop()
        .eventually(
            () -> {
              release();
              return Future.succeededFuture();
            });
  }

  /** Stops the guest threads, the answer renderers and the key-value store of its own, if any. */
  private void release() {
    mcp.close();
    chassis.close();
    api.close();
    kvRedis.ifPresent(RedisStore::close);
  }
}
