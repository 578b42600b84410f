package com.infrafabric.governor.service;

import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;

/**
 * A test hook: starts the governor service keeping idempotency records for less than the 24-hour
 * floor that {@link com.infrafabric.governor.budget.BudgetSettings} holds every configured service
 * to. It lives in the test sources and ships only in the governor's test-jar, so no configuration
 * of a deployed service reaches it. The benchmarks' memory harness uses it so that Redis memory
 * reaches its steady state within minutes instead of a day; it says so in its output.
 */
public final class IdempotencyBelowFloor {

  private IdempotencyBelowFloor() {}

  /**
   * {@link GovernorService#start} with idempotency records kept for {@code idempotencyTtl} (at
   * least a millisecond, the unit the scripts take) instead of the settings' own.
   */
  public static Future<GovernorService> start(
      Vertx vertx,
      RedisStore redis,
      GovernorSettings settings,
      Duration idempotencyTtl,
      PrometheusMeterRegistry meters,
      Clock clock) {
    if (idempotencyTtl.toMillis() < 1) {
      throw new IllegalArgumentException(
          "idempotencyTtl " + idempotencyTtl + " is shorter than a millisecond");
    }
    return GovernorService.start(vertx, redis, settings, idempotencyTtl, meters, clock);
  }
}
