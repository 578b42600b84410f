package com.infrafabric.platform.metrics;

import io.micrometer.core.instrument.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The meters of one family, each registered once for its tag values and then found by a plain map
 * lookup. A meter builder's {@code register} builds and sorts the tags and looks the id up in the
 * registry on every call; on a path that counts every request that is a few allocations and a sort
 * per meter for the same answer each time.
 *
 * <p>The caller's key must have a bounded number of values (route templates, outcomes, models of
 * the pricing catalogue): each one keeps its meter, as the registry does anyway. Thread-safe.
 *
 * @param <K> the tag values that name one meter, a record or a string
 * @param <M> the kind of meter
 */
public final class MeterCache<K, M extends Meter> {

  private final Map<K, M> meters = new ConcurrentHashMap<>();
  private final Function<K, M> register;

  /** A cache whose meters {@code register} registers, given their tag values. */
  public MeterCache(Function<K, M> register) {
    this.register = register;
  }

  /** The meter for {@code key}, registered on first use. */
  public M get(K key) {
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, register);
  }
}
