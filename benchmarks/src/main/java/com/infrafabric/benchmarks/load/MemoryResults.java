package com.infrafabric.benchmarks.load;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

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
   * The load the formula is given: the achieved rate, each reservation held for the pair's median
   * latency (an upper bound of the time from its reserve to its commit), and the holds abandoned
   * per second as the store showed them: the holds it kept after warm-up beyond those of pairs in
   * flight, each kept for a reservation's TTL. A pair whose commit the service shed leaves such a
   * hold; one shed at its reserve leaves nothing.
   */
  SteadyLoad steadyLoad() {
    double rate = load.achievedPerSecond();
    Duration hold = Duration.ofNanos(Math.round(load.latency().p50Millis() * 1e6));
    double inFlight = rate * hold.toNanos() / 1e9;
    double ttl = options.retention().reservationTtl().toNanos() / 1e9;
    double abandoned = Math.max(0, (mean(MemorySample::holds) - inFlight) / ttl);
    return new SteadyLoad(rate, Double.isFinite(abandoned) ? abandoned : 0, hold);
  }

  /** The records the formula predicts the store holds at {@link #steadyLoad}. */
  Retention.Held predicted() {
    return options.retention().held(steadyLoad(), TENANTS);
  }

  /** The README formula's prediction of the bytes held beyond the empty store. */
  double predictedBytes() {
    return predicted().bytes();
  }

  /** The mean of {@code figure} over the readings after warm-up; NaN if there are none. */
  double mean(ToDoubleFunction<MemorySample> figure) {
    return judged().stream().mapToDouble(figure).average().orElse(Double.NaN);
  }

  /** The mean {@code used_memory} after warm-up beyond the empty store's; NaN if none. */
  double measuredBytes() {
    return mean(MemorySample::usedMemory) - empty().usedMemory();
  }

  /** The mean {@code used_memory_dataset} after warm-up beyond the empty store's; NaN if none. */
  double measuredDatasetBytes() {
    return mean(MemorySample::usedMemoryDataset) - empty().usedMemoryDataset();
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
