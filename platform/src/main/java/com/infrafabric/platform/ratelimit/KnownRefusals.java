package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.cache.LruMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The refusals this node was last told for each bucket, so the requests that follow one shortly are
 * refused here, without a round trip: a bucket refills at its rate only, so until the wait Redis
 * named has passed it cannot hold as many tokens as the refused request asked, and neither can it
 * for a request asking more. A request asking fewer is asked of Redis. Tokens given back make a
 * bucket hold more sooner: a refund on this node forgets the bucket's refusal, and one on another
 * node (a call settled there) is seen here within {@link #TRUSTED_FOR}, as long as a refusal stands
 * before Redis is asked again. A flood past its limit then costs the store one round trip a second
 * per bucket and node, not one per request, and its refusal is cheap. At most {@code capacity}
 * buckets, least recently used dropped first. Thread-safe.
 */
final class KnownRefusals {

  /** How long a refusal stands on this node before Redis is asked again, at most. */
  static final Duration TRUSTED_FOR = Duration.ofSeconds(1);

  private final Map<String, Refusal> refusals;
  private final Clock clock;

  KnownRefusals(int capacity, Clock clock) {
    this.refusals = new LruMap<>(capacity);
    this.clock = clock;
  }

  /** A refusal of {@code tokens} from {@code key} still standing, named {@code limitName}. */
  synchronized Optional<RateDecision> standing(String key, long tokens, String limitName) {
    Refusal refusal = refusals.get(key);
    if (refusal == null || tokens < refusal.tokens()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (!now.isBefore(refusal.trustedUntil())) {
      refusals.remove(key);
      return Optional.empty();
    }
    return Optional.of(
        new RateDecision(false, 0, Duration.between(now, refusal.until()), limitName));
  }

  /** Remembers Redis's refusal of {@code tokens} from {@code key}, which named {@code wait}. */
  synchronized void refused(String key, long tokens, Duration wait) {
    Instant now = clock.instant();
    Duration trusted = wait.compareTo(TRUSTED_FOR) < 0 ? wait : TRUSTED_FOR;
    refusals.put(key, new Refusal(tokens, now.plus(wait), now.plus(trusted)));
  }

  /** Forgets {@code key}'s refusal: tokens given back may let a request through sooner. */
  synchronized void forget(String key) {
    refusals.remove(key);
  }

  /**
   * @param until when the wait Redis named ends
   * @param trustedUntil until when this node refuses without asking Redis again
   */
  private record Refusal(long tokens, Instant until, Instant trustedUntil) {}
}
