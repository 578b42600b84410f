package com.infrafabric.platform.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How the one shared Redis client of a process connects and how far it may be loaded.
 *
 * @param endpoint where the server is
 * @param commandTimeout how long a sent command may wait for its answer before the caller gets
 *     {@link RedisUnavailableException} (outcome unknown); getting a connection first may take as
 *     long, and at least 5 s, since a fresh connection needs its own round trips
 * @param maxPoolSize connections, hence commands in flight at once
 * @param maxPoolWaiting commands allowed to wait for a connection; beyond that a command fails at
 *     once instead of queueing without bound
 */
public record RedisSettings(
    RedisEndpoint endpoint, Duration commandTimeout, int maxPoolSize, int maxPoolWaiting) {

  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1000);
  public static final int DEFAULT_MAX_POOL_SIZE = 32;
  public static final int DEFAULT_MAX_POOL_WAITING = 2048;

  public RedisSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException(
          "redis.commandTimeout must be positive, not " + commandTimeout.toMillis() + " ms");
    }
    if (maxPoolSize < 1 || maxPoolSize > 1024) {
      throw new IllegalArgumentException(
          "redis.maxPoolSize " + maxPoolSize + " is outside 1..1024");
    }
    if (maxPoolWaiting < 0 || maxPoolWaiting > 100_000) {
      throw new IllegalArgumentException(
          "redis.maxPoolWaiting " + maxPoolWaiting + " is outside 0..100000");
    }
  }

  /** Default limits for {@code endpoint}. */
  public static RedisSettings of(RedisEndpoint endpoint) {
    return new RedisSettings(
        endpoint, DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_POOL_SIZE, DEFAULT_MAX_POOL_WAITING);
  }

  public RedisSettings withCommandTimeout(Duration timeout) {
    return new RedisSettings(endpoint, timeout, maxPoolSize, maxPoolWaiting);
  }
}
