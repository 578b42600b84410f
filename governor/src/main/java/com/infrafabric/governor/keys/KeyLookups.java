package com.infrafabric.governor.keys;

import com.infrafabric.platform.ratelimit.ClockTimeMeter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;

/**
 * Bounds how often this node reads the record of a key it has not found live lately ({@link
 * LiveKeys#recognised}). A caller presenting made-up keys is nobody, so nothing can be charged to
 * it, and without this bound each of its requests cost the Redis every tenant shares one read: a
 * flood of well-formed random keys, refused before any in-flight slot (those go to authenticated
 * callers), ran as fast as the node could take connections. Past {@link #PER_SECOND} lookups a
 * second, such a key is refused at once as an overload, with no read, while keys found live in the
 * last ten minutes are still read. A lookup that finds a live key gives its place back, so only
 * misses use the bound: after a restart, a node's callers find their keys as fast as they come. One
 * local Bucket4j bucket (a second's worth at once, refilled greedily). Thread-safe.
 */
final class KeyLookups {

  /** Lookups of keys not found live here lately, per second and node, that may miss. */
  static final long PER_SECOND = 1_000;

  private final Bucket bucket;

  KeyLookups(Clock clock) {
    this.bucket =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(PER_SECOND)
                    .refillGreedy(PER_SECOND, Duration.ofSeconds(1))
                    .build())
            .withCustomTimePrecision(new ClockTimeMeter(clock))
            .build();
  }

  /** Takes a place for one lookup; false if the bound is reached. */
  boolean take() {
    return bucket.tryConsume(1);
  }

  /** Gives back the place of a lookup that found a live key. */
  void giveBack() {
    bucket.addTokens(1);
  }
}
