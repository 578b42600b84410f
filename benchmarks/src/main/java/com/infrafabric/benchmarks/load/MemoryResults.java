package com.infrafabric.benchmarks.load;

import java.time.Duration;
import java.util.List;

/**
 * Everything one memory run measured.
 *
 * @param machine where it ran
 * @param options how it ran
 * @param load the open-loop reserve + commit phase over HTTP, the whole run measured
 * @param series the store's readings, the first before the load started
 * @param missed why each reading Redis could not serve in time was missed
 * @param loadAverageAfter the system's one-minute load average when the load ended
 */
record MemoryResults(
    Machine machine,
    MemoryOptions options,
    PhaseResult load,
    List<MemorySample> series,
    List<String> missed,
    double loadAverageAfter) {

  /** Tenants the run charges: one, so the archive job visits them in one pass. */
  static final int TENANTS = 1;

  MemoryResults {
    series = List.copyOf(series);
    missed = List.copyOf(missed);
  }

  /** What the load wrote per minute, were nothing ever dropped. */
  double writtenBytesPerMinute() {
    return Retention.bytesPerPair() * load.achievedPerSecond() * 60;
  }

  MemoryVerdict verdict() {
    return MemoryVerdict.judge(
        series, options.retention().warmup().toMillis(), writtenBytesPerMinute());
  }

  /** The reading before the load: the store with the tenant provisioned and nothing charged. */
  MemorySample empty() {
    return series.get(0);
  }

  /**
   * The README formula's prediction of the bytes held beyond the empty store at the achieved rate,
   * each reservation held for the pair's median latency (an upper bound of the time from its
   * reserve to its commit).
   */
  double predictedBytes() {
    Duration hold = Duration.ofNanos(Math.round(load.latency().p50Millis() * 1e6));
    return options.retention().predictedBytes(load.achievedPerSecond(), hold, TENANTS);
  }

  /** The mean {@code used_memory} after warm-up beyond the empty store's; NaN if none. */
  double measuredBytes() {
    return judged().stream().mapToLong(MemorySample::usedMemory).average().orElse(Double.NaN)
        - empty().usedMemory();
  }

  /** The mean {@code used_memory_dataset} after warm-up beyond the empty store's; NaN if none. */
  double measuredDatasetBytes() {
    return judged().stream().mapToLong(MemorySample::usedMemoryDataset).average().orElse(Double.NaN)
        - empty().usedMemoryDataset();
  }

  /**
   * How fast {@code used_memory} grew before the first record could lapse or be archived, bytes per
   * minute; NaN with fewer than two readings in that time. Set beside {@link
   * #writtenBytesPerMinute}, it checks the formula's bytes per pair on this run.
   */
  double growthBeforeLapse() {
    Retention r = options.retention();
    long first =
        Math.min(
            r.idempotencyTtl().toMillis(),
            Math.min(r.recordRetention().toMillis(), r.archiveAge().toMillis()));
    List<MemorySample> early = series.stream().filter(s -> s.elapsedMillis() < first).toList();
    return early.size() < 2 ? Double.NaN : MemoryVerdict.slope(early, MemorySample::usedMemory);
  }

  private List<MemorySample> judged() {
    return MemoryVerdict.afterWarmup(series, options.retention().warmup().toMillis());
  }
}
