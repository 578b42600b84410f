package com.infrafabric.benchmarks.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Writes a memory run's results as text for people and as JSON for tools. */
final class MemoryReport {

  static final String HEADER =
      String.format(
          Locale.ROOT,
          "%7s %10s %11s %8s %6s %7s %8s %12s",
          "t min",
          "used MB",
          "dataset MB",
          "keys",
          "holds",
          "stale %",
          "ledger",
          "archived KB");

  private MemoryReport() {}

  /** One reading as a line of the series. */
  static String row(MemorySample s) {
    return String.format(
        Locale.ROOT,
        "%7.2f %10.3f %11.3f %8d %6d %7.2f %8d %12.1f",
        s.minutes(),
        s.usedMemory() / 1e6,
        s.usedMemoryDataset() / 1e6,
        s.keys(),
        s.holds(),
        s.stalePercent(),
        s.ledgerEntries(),
        s.archivedBytes() / 1e3);
  }

  /** How the run kept what it wrote, in one sentence. */
  static String settings(MemoryOptions o) {
    Retention r = o.retention();
    return String.format(
        Locale.ROOT,
        "reserve + commit over HTTP, open loop at %d pairs/s for %s; idempotency records kept %s"
            + " (below the production floor of 24 h: set through the governor's test hook"
            + " IdempotencyBelowFloor, which no configuration reaches), reservations held at most"
            + " %s (budget.defaultReservationTtl) and their records kept %s after"
            + " (budget.recordRetention), ledger archived to a temporary directory after %s"
            + " (ledger.archive.age) every %s (ledger.archive.interval)",
        o.ratePerSecond(),
        text(o.duration()),
        text(r.idempotencyTtl()),
        text(r.reservationTtl()),
        text(r.recordRetention()),
        text(r.archiveAge()),
        text(r.archiveInterval()));
  }

  /** {@code duration} as the command line writes it: {@code 10m}, {@code 5s}, {@code 500ms}. */
  static String text(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1_000 == 0 ? millis / 1_000 + "s" : millis + "ms";
  }

  /** Everything: machine, settings, the load, the series, the verdict and the prediction. */
  static void print(MemoryResults results, PrintStream out) {
    Machine m = results.machine();
    PhaseResult load = results.load();
    MemoryVerdict v = results.verdict();
    out.println("IF.governor Redis memory under a long reserve + commit load (issue 12)");
    out.printf(
        Locale.ROOT,
        "machine: %d cores, %s, %s, redis %s (AOF everysec)%n"
            + "load: average %.2f before the run, %.2f after; other processes used %s of the CPU"
            + " during it (%s of it steal)%n",
        m.cores(),
        m.jdk(),
        m.os(),
        m.redis(),
        m.loadAverage(),
        results.loadAverageAfter(),
        LoadReport.share(m.othersCpuShare()),
        LoadReport.share(m.stealShare()));
    out.println("settings: " + settings(results.options()));
    if (results.options().smoke()) {
      out.println("SMOKE RUN: seconds of load, shorter than the warm-up; the figures mean nothing");
    }
    out.printf(
        Locale.ROOT,
        "load: %d pairs completed at %.1f/s, p50 %.3f ms, p99 %.3f ms; failed %d, dropped %d,"
            + " shed %d%n",
        load.completed(),
        load.achievedPerSecond(),
        load.latency().p50Millis(),
        load.latency().p99Millis(),
        load.failed(),
        load.dropped(),
        load.rejected());
    out.println();
    out.println(HEADER);
    results.series().forEach(s -> out.println(row(s)));
    if (!results.missed().isEmpty()) {
      out.printf(
          Locale.ROOT,
          "%d readings missed (Redis did not answer in time), the first: %s%n",
          results.missed().size(),
          results.missed().get(0));
    }
    out.println();
    verdict(results, v, out);
  }

  private static void verdict(MemoryResults results, MemoryVerdict v, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "warm-up %.2f min (the idempotency TTL or a reservation's TTL + retention, whichever is"
            + " longer, + the archive age + one archive interval);"
            + " judged %d readings over %.2f min after it%n"
            + "written: %.3f MB/min (%d B per pair by the README's sizes); used_memory grew"
            + " %.3f MB/min before anything could lapse%n"
            + "after warm-up: used_memory slope %.3f MB/min (bound %.3f, %.0f%% of what was"
            + " written), max - min %.3f MB (bound %.3f)%n"
            + "held beyond the empty store: used_memory %.3f MB, used_memory_dataset %.3f MB;"
            + " the README's formula predicts %.3f MB (measured / predicted %.2f)%n"
            + "%s%n"
            + "verdict: %s%n",
        v.warmupMillis() / 60_000.0,
        v.judged(),
        v.windowMinutes(),
        v.writtenBytesPerMinute() / 1e6,
        Retention.bytesPerPair(),
        results.growthBeforeLapse() / 1e6,
        v.slopeBytesPerMinute() / 1e6,
        v.slopeBound() / 1e6,
        100 * MemoryVerdict.BOUND_FRACTION,
        v.spreadBytes() / 1e6,
        v.spreadBound() / 1e6,
        results.measuredBytes() / 1e6,
        results.measuredDatasetBytes() / 1e6,
        results.predictedBytes() / 1e6,
        results.measuredBytes() / results.predictedBytes(),
        records(results),
        v.flat() ? "FLAT" : "NOT FLAT: " + String.join("; ", v.shortfalls()));
  }

  /** The records held after warm-up beside the formula's, and the load it was given. */
  private static String records(MemoryResults results) {
    SteadyLoad load = results.steadyLoad();
    Retention.Held predicted = results.predicted();
    return String.format(
        Locale.ROOT,
        "after warm-up, mean: keys %.0f (formula %.0f, of them %.0f with a TTL, %.0f%% taken as"
            + " expired but not yet reclaimed), Redis's estimate of expired-but-held keys %.2f%%,"
            + " holds %.0f (so %.2f abandoned/s given to the formula), ledger entries %.0f"
            + " (formula %.0f)",
        results.mean(MemorySample::keys),
        predicted.keys(),
        predicted.expiring(),
        100 * Retention.STALE_SHARE,
        results.mean(MemorySample::stalePercent),
        results.mean(MemorySample::holds),
        load.abandonedPerSecond(),
        results.mean(MemorySample::ledgerEntries),
        predicted.ledgerEntries());
  }

  static JsonObject json(MemoryResults results) {
    MemoryOptions o = results.options();
    Retention r = o.retention();
    MemoryVerdict v = results.verdict();
    JsonArray series = new JsonArray();
    results
        .series()
        .forEach(
            s ->
                series.add(
                    new JsonObject()
                        .put("elapsed_ms", s.elapsedMillis())
                        .put("used_memory", s.usedMemory())
                        .put("used_memory_dataset", s.usedMemoryDataset())
                        .put("keys", s.keys())
                        .put("holds", s.holds())
                        .put("stale_percent", s.stalePercent())
                        .put("ledger_entries", s.ledgerEntries())
                        .put("archived_bytes", s.archivedBytes())));
    return new JsonObject()
        .put("machine", LoadReport.machine(results.machine()))
        .put("load_average_after", results.loadAverageAfter())
        .put(
            "options",
            new JsonObject()
                .put("smoke", o.smoke())
                .put("rate_per_second", o.ratePerSecond())
                .put("duration_ms", o.duration().toMillis())
                .put("sample_every_ms", o.sampleEvery().toMillis())
                .put("idempotency_ttl_ms", r.idempotencyTtl().toMillis())
                .put("idempotency_ttl_below_floor_by_test_hook", true)
                .put("reservation_ttl_ms", r.reservationTtl().toMillis())
                .put("record_retention_ms", r.recordRetention().toMillis())
                .put("archive_age_ms", r.archiveAge().toMillis())
                .put("archive_interval_ms", r.archiveInterval().toMillis()))
        .put("load", LoadReport.phase(results.load()))
        .put("series", series)
        .put("missed_readings", new JsonArray(results.missed()))
        .put(
            "verdict",
            new JsonObject()
                .put("warmup_ms", v.warmupMillis())
                .put("judged_readings", v.judged())
                .put("window_minutes", v.windowMinutes())
                .put("written_bytes_per_minute", v.writtenBytesPerMinute())
                .put("bytes_per_pair_written", Retention.bytesPerPair())
                .put("growth_before_lapse_bytes_per_minute", finite(results.growthBeforeLapse()))
                .put("slope_bytes_per_minute", v.slopeBytesPerMinute())
                .put("slope_bound_bytes_per_minute", v.slopeBound())
                .put("spread_bytes", v.spreadBytes())
                .put("spread_bound_bytes", v.spreadBound())
                .put("flat", v.flat())
                .put("shortfalls", new JsonArray(v.shortfalls())))
        .put("empty_store_used_memory", results.empty().usedMemory())
        .put("measured_held_bytes", finite(results.measuredBytes()))
        .put("measured_held_dataset_bytes", finite(results.measuredDatasetBytes()))
        .put("predicted_held_bytes", results.predictedBytes())
        .put("abandoned_per_second", results.steadyLoad().abandonedPerSecond())
        .put("measured_keys", finite(results.mean(MemorySample::keys)))
        .put("predicted_keys", results.predicted().keys())
        .put("measured_stale_percent", finite(results.mean(MemorySample::stalePercent)))
        .put("measured_ledger_entries", finite(results.mean(MemorySample::ledgerEntries)))
        .put("predicted_ledger_entries", results.predicted().ledgerEntries());
  }

  /** {@code value}, or null where JSON has no number for it (NaN: too few readings). */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
