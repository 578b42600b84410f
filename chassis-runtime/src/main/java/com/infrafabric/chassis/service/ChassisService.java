package com.infrafabric.chassis.service;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.http.ChassisApi;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.http.HttpService;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;

/**
 * The chassis as a running service: its REST API over a {@link Chassis}, on the process's shared
 * Vert.x and Redis client.
 *
 * <p>{@link #start} fails if the token keys cannot be read or the port cannot be bound; {@link
 * #stop} stops accepting requests, drains those in flight, then stops the guest threads. The Redis
 * client and Vert.x belong to the caller, who closes them after {@code stop}.
 */
public final class ChassisService {

  private final Chassis chassis;
  private final HttpService http;

  private ChassisService(
      Vertx vertx,
      RedisStore redis,
      ChassisSettings settings,
      PrometheusMeterRegistry meters,
      Clock clock) {
    this.chassis =
        Chassis.builder()
            .config(settings.operator())
            .vertx(vertx)
            .redis(redis)
            .meters(meters)
            .clock(clock)
            .build();
    ChassisApi api = new ChassisApi(chassis, settings.maxInputBytes(), meters);
    this.http =
        settings
            .platform()
            .httpService(vertx, redis, meters, clock)
            .metricsAccess(Access.anyOf(ChassisApi.OPERATOR))
            .readinessCheck("redis", RedisReadinessCheck.of(redis, List.of()))
            .errors(api.errors())
            .routes(api::register)
            .build();
  }

  /** Builds the chassis and listens; on failure nothing is left running. */
  public static Future<ChassisService> start(
      Vertx vertx,
      RedisStore redis,
      ChassisSettings settings,
      PrometheusMeterRegistry meters,
      Clock clock) {
    ChassisService service = new ChassisService(vertx, redis, settings, meters, clock);
    return service
        .http
        .start()
        .map(ignored -> service)
        .onFailure(failure -> service.chassis.close());
  }

  public int port() {
    return http.port();
  }

  public List<RouteDescriptor> routes() {
    return http.routes();
  }

  /** Stops accepting, drains in-flight requests, then stops the guest threads. */
  public Future<Void> stop() {
    return http.stop()
        .eventually(
            () -> {
              chassis.close();
              return Future.succeededFuture();
            });
  }
}
