package com.infrafabric.benchmarks.load;

import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.platform.redis.RedisUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads the store's memory every so often while a load runs, on a thread of its own ({@code INFO
 * memory}, {@code INFO stats}, {@code DBSIZE}, {@code ZCARD} of the holds, {@code XLEN} of the
 * ledger: five round trips a reading, next to hundreds of pairs a second). A reading Redis cannot
 * serve in time (the service's own client fails closed on a stalled store, as on a crowded machine)
 * is missed, counted and reported with its cause; the series holds the readings taken, each at its
 * own time, so the verdict is judged on those. Any other failure stops the sampling and fails
 * {@link #stop}.
 */
final class MemorySampler {

  private final GovernorUnderLoad governor;
  private final TenantKeyNames keys;
  private final Path archive;
  private final Consumer<MemorySample> listener;
  private final long start = System.nanoTime();
  private final List<MemorySample> series = new ArrayList<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final List<String> missed = new ArrayList<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread sampler = new Thread(task, "memory-sampler");
            sampler.setDaemon(true);
            return sampler;
          });

  private MemorySampler(
      GovernorUnderLoad governor,
      TenantKeyNames keys,
      Path archive,
      Consumer<MemorySample> listener) {
    this.governor = governor;
    this.keys = keys;
    this.archive = archive;
    this.listener = listener;
  }

  /**
   * Takes a reading now, at elapsed time 0, then one every {@code everyMillis} until {@link #stop},
   * handing each to {@code listener} on the sampling thread: of the store, the holds and ledger of
   * the tenant whose keys are {@code keys}, and the files under {@code archive}.
   */
  static MemorySampler start(
      GovernorUnderLoad governor,
      TenantKeyNames keys,
      Path archive,
      long everyMillis,
      Consumer<MemorySample> listener) {
    MemorySampler sampler = new MemorySampler(governor, keys, archive, listener);
    sampler.record();
    sampler.thread.scheduleAtFixedRate(
        sampler::recordOrStop, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    return sampler;
  }

  /** Stops sampling, takes a last reading and returns the series; throws if a reading failed. */
  List<MemorySample> stop() {
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the memory sampler did not stop within a minute");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the memory sampler", e);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a memory reading failed", failure.get());
    }
    record();
    return List.copyOf(series);
  }

  /** Why each reading Redis could not serve was missed, in order. */
  synchronized List<String> missed() {
    return List.copyOf(missed);
  }

  private void recordOrStop() {
    try {
      record();
    } catch (RedisUnavailableException e) {
      synchronized (this) {
        missed.add(e.getMessage());
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      thread.shutdown();
    }
  }

  private synchronized void record() {
    String memory = governor.info("memory");
    MemorySample sample =
        new MemorySample(
            (System.nanoTime() - start) / 1_000_000,
            field(memory, "used_memory"),
            field(memory, "used_memory_dataset"),
            governor.dbSize(),
            governor.sortedSetSize(keys.reservationExpiry()),
            decimal(governor.info("stats"), "expired_stale_perc"),
            governor.streamLength(keys.ledger()),
            archivedBytes());
    series.add(sample);
    listener.accept(sample);
  }

  /** The whole number {@code name} in an {@code INFO} section. */
  static long field(String info, String name) {
    return Long.parseLong(value(info, name));
  }

  /** The decimal number {@code name} in an {@code INFO} section. */
  static double decimal(String info, String name) {
    return Double.parseDouble(value(info, name));
  }

  private static String value(String info, String name) {
    String prefix = name + ":";
    return info.lines()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("INFO has no " + name));
  }

  private long archivedBytes() {
    if (!Files.isDirectory(archive)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(archive)) {
      return files.filter(Files::isRegularFile).mapToLong(MemorySampler::size).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + archive, e);
    }
  }

  /**
   * The size of {@code file}; 0 if it was renamed since it was listed (a segment being written).
   */
  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + file, e);
    }
  }
}
