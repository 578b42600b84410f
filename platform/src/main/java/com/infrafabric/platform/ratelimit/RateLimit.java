package com.infrafabric.platform.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: up to {@code capacity} requests in a burst, refilled greedily at {@code
 * refillTokens} per {@code refillPeriod}.
 *
 * @param capacity the burst size, 1..1,000,000,000
 * @param refillTokens tokens added per period, 1..1,000,000,000
 * @param refillPeriod the period, at least 1 ms
 */
public record RateLimit(long capacity, long refillTokens, Duration refillPeriod) {

  private static final long MAX = 1_000_000_000L;

  public RateLimit {
    Objects.requireNonNull(refillPeriod, "refillPeriod");
    if (capacity < 1 || capacity > MAX) {
      throw new IllegalArgumentException("capacity " + capacity + " is outside 1.." + MAX);
    }
    if (refillTokens < 1 || refillTokens > MAX) {
      throw new IllegalArgumentException("refillTokens " + refillTokens + " is outside 1.." + MAX);
    }
    if (refillPeriod.toMillis() < 1) {
      throw new IllegalArgumentException("refillPeriod must be at least 1 ms");
    }
  }

  /** {@code perMinute} requests a minute, all of them allowed in one burst. */
  public static RateLimit perMinute(long perMinute) {
    return new RateLimit(perMinute, perMinute, Duration.ofMinutes(1));
  }

  BucketConfiguration toBucketConfiguration() {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(refillTokens, refillPeriod))
        .build();
  }
}
