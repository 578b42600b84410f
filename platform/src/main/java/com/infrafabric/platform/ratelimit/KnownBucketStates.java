package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.cache.LruMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state this node last saw each bucket hold in Redis ({@link StoredState}), so a request on a
 * bucket this node used last starts its compare-and-swap at once instead of reading the state
 * first: one round trip instead of two. Only a hint: the swap script compares it with what Redis
 * holds and, when another node or an expiry changed the bucket, refuses and returns the current
 * state to retry on. At most {@code capacity} buckets, least recently used dropped first.
 * Thread-safe.
 */
final class KnownBucketStates {

  private final Map<String, StoredState> states;

  KnownBucketStates(int capacity) {
    this.states = new LruMap<>(capacity);
  }

  /** The state last seen in {@code key}, if this node remembers one. */
  synchronized Optional<StoredState> get(String key) {
    return Optional.ofNullable(states.get(key));
  }

  /** Remembers that {@code key} holds {@code state}. */
  synchronized void seen(String key, StoredState state) {
    states.put(key, state);
  }

  /**
   * Forgets {@code key}: what it holds is unknown (a write whose outcome is unknown), or a decision
   * must rest on what Redis holds (a refusal).
   */
  synchronized void forget(String key) {
    states.remove(key);
  }

  synchronized int size() {
    return states.size();
  }
}
