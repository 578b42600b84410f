package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bounded cache of compiled modules by digest, least recently used evicted first, bounded by
 * count and by the heap its modules keep ({@link CompiledModule#retainedBytes()}). An evicted
 * module is compiled again on its next use (from the bytes in Redis), and whoever else held it is
 * told, so that nothing keeps it alive past its eviction. Thread-safe.
 *
 * <p>Bounding the count alone let one publisher's modules, each well under the size cap, fill the
 * heap the node shares with the governor: forty modules of 0.7 MB parse into 22 MB each.
 */
public final class CompiledModules {

  private final int capacity;
  private final long maxBytes;
  private volatile Consumer<ModuleDigest> evicted = digest -> {};
  private final Map<ModuleDigest, CompiledModule> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  /**
   * @param capacity the most modules kept
   * @param maxBytes the most heap the kept modules may hold together
   */
  public CompiledModules(int capacity, long maxBytes) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  /** Tells {@code listener} of each module evicted, once the cache has let it go. */
  public void whenEvicted(Consumer<ModuleDigest> listener) {
    this.evicted = listener;
  }

  public synchronized Optional<CompiledModule> get(ModuleDigest digest) {
    return Optional.ofNullable(entries.get(digest));
  }

  /**
   * Adds {@code module}, evicting the least recently used ones it needs room from; a concurrent
   * compile of the same digest keeps the first one.
   *
   * @throws LimitExceededException {@link ErrorCode#MODULE_TOO_LARGE} if the module alone holds
   *     more than the cache may
   */
  public CompiledModule add(CompiledModule module) {
    if (module.retainedBytes() > maxBytes) {
      throw new LimitExceededException(
          ErrorCode.MODULE_TOO_LARGE,
          "the compiled module keeps an estimated "
              + module.retainedBytes()
              + " bytes of memory, above the "
              + maxBytes
              + " all compiled modules may keep on this node");
    }
    List<ModuleDigest> dropped = new ArrayList<>();
    CompiledModule kept;
    synchronized (this) {
      kept = entries.get(module.digest());
      if (kept == null) {
        Iterator<CompiledModule> eldest = entries.values().iterator();
        while (eldest.hasNext()
            && (entries.size() >= capacity || bytes + module.retainedBytes() > maxBytes)) {
          CompiledModule old = eldest.next();
          eldest.remove();
          bytes -= old.retainedBytes();
          dropped.add(old.digest());
        }
        entries.put(module.digest(), module);
        bytes += module.retainedBytes();
        kept = module;
      }
    }
    dropped.forEach(evicted::accept);
    return kept;
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The heap the kept modules hold together, as estimated. */
  public synchronized long bytes() {
    return bytes;
  }
}
