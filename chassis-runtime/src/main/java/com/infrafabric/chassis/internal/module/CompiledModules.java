package com.infrafabric.chassis.internal.module;

import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.cache.LruMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bounded cache of compiled modules by digest, least recently used evicted first. An evicted
 * module is compiled again on its next use (from the bytes in Redis). Thread-safe.
 */
public final class CompiledModules {

  private final Map<ModuleDigest, CompiledModule> entries;

  public CompiledModules(int capacity) {
    this.entries = new LruMap<>(capacity);
  }

  public synchronized Optional<CompiledModule> get(ModuleDigest digest) {
    return Optional.ofNullable(entries.get(digest));
  }

  /** Adds {@code module}; a concurrent compile of the same digest keeps the first one. */
  public synchronized CompiledModule add(CompiledModule module) {
    return entries.computeIfAbsent(module.digest(), d -> module);
  }

  public synchronized int size() {
    return entries.size();
  }
}
