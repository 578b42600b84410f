package com.infrafabric.llm;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Breakers of one rule by what they are kept for (a tenant, a tenant's model), bounded: a breaker
 * is kept while it counts failures or is open, and forgotten when its call succeeds. At most {@code
 * max} are kept: a new one makes room by forgetting the one that failed least lately among those
 * not refusing calls (else the one that failed least lately of all), so no number of callers grows
 * this past a bound. Not thread-safe: its owner, {@link ProviderBreakers}, guards it.
 *
 * @param <K> what a breaker is kept for
 */
final class BreakerTable<K> {

  private final BreakerRule rule;
  private final int max;

  /** Each breaker that counts failures or is open, the one that failed least lately first. */
  private final Map<K, Breaker> breakers = new LinkedHashMap<>();

  BreakerTable(BreakerRule rule, int max) {
    this.rule = rule;
    this.max = max;
  }

  /** {@code key}'s breaker, if one is kept. */
  Optional<Breaker> get(K key) {
    return Optional.ofNullable(breakers.get(key));
  }

  /** How long from {@code now} {@code key}'s breaker refuses calls; empty if it lets them pass. */
  Optional<Duration> refusal(K key, Instant now) {
    return get(key).flatMap(breaker -> breaker.refusal(now));
  }

  /** {@code key}'s breaker, made if need be, moved last: the one that failed latest. */
  Breaker failing(K key, Instant now) {
    Breaker breaker = breakers.remove(key);
    if (breaker == null) {
      makeRoom(now);
      breaker = new Breaker(rule);
    }
    breakers.put(key, breaker);
    return breaker;
  }

  /** Forgets {@code key}'s breaker: its call succeeded. */
  void forget(K key) {
    breakers.remove(key);
  }

  /** The keys whose breakers refuse calls at {@code now}. */
  Stream<K> refusing(Instant now) {
    return breakers.entrySet().stream()
        .filter(kept -> kept.getValue().refusal(now).isPresent())
        .map(Map.Entry::getKey);
  }

  /** How many breakers are kept. */
  int size() {
    return breakers.size();
  }

  private void makeRoom(Instant now) {
    if (breakers.size() < max) {
      return;
    }
    Iterator<Breaker> leastLately = breakers.values().iterator();
    while (leastLately.hasNext()) {
      if (leastLately.next().refusal(now).isEmpty()) {
        leastLately.remove();
        return;
      }
    }
    Iterator<Breaker> oldest = breakers.values().iterator();
    oldest.next();
    oldest.remove();
  }
}
