package com.infrafabric.chassis.internal.module;

import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The bounded cache of compiled modules by digest, least recently used evicted first. An evicted
 * module is compiled again on its next use (from the bytes in Redis). Thread-safe.
 */
public final class CompiledModules {

  private final Map<ModuleDigest, CompiledModule> entries;

  public CompiledModules(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<ModuleDigest, CompiledModule> eldest) {
            return size() > capacity;
          }
        };
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
