package com.infrafabric.platform.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries that drops the least recently used one (read or
 * written) when a put goes past it: the one bound of this node's caches keyed by what callers send
 * (tokens, tenants, buckets, modules), so none of them grows with the callers. Not thread-safe:
 * each owner guards its map.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {

  private static final long serialVersionUID = 1L;

  private final int capacity;

  public LruMap(int capacity) {
    super(16, 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
