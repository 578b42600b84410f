package com.infrafabric.benchmarks.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Writes a run's results as a table for people and as JSON for tools. */
final class LoadReport {

  private static final String ROW =
      "%-12s %-22s %9s %11s %8s %8s %9s %8s %8s %7s %8s %7s %9s  %s%n";

  private LoadReport() {}

  /** The table: machine, every phase and search step, then the targets. */
  static void print(LoadResults results, PrintStream out) {
    Machine m = results.machine();
    out.println(
        "IF.governor charge path (reserve + commit of one LLM call) and claim path (claim +"
            + " finish)");
    out.printf(
        Locale.ROOT,
        "machine: %d cores, %s, %s, redis %s (AOF everysec)%n"
            + "load: average %.2f before the run; other processes used %s of the CPU during it"
            + " (%s of it steal: the hypervisor serving other machines)%n",
        m.cores(),
        m.jdk(),
        m.os(),
        m.redis(),
        m.loadAverage(),
        share(m.othersCpuShare()),
        share(m.stealShare()));
    out.println(
        "the load generator and the service share one JVM and redis-server runs beside them:"
            + " all compete for the same cores");
    if (results.options().smoke()) {
      out.println("SMOKE RUN: a few seconds of load; these figures mean nothing");
    }
    out.println(
        "admitted: completed operations, whose latency the percentiles are; shed: refused at once"
            + " by the service (503/429 with Retry-After), with the refusal's p99; dropped: never"
            + " sent, over the client's own outstanding bound");
    out.println();
    out.printf(
        Locale.ROOT,
        ROW,
        "phase",
        "load",
        "admitted",
        "achieved/s",
        "p50 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "lag p99",
        "failed",
        "dropped",
        "shed",
        "shed p99",
        "verdict");
    row(out, results.raw(), "closed, " + results.options().rawConcurrency() + " in flight", "");
    for (RateSearch.Step step : results.search().steps()) {
      row(out, step.result(), step.result().load(), verdict(step.shortfalls()));
    }
    Sustainability criteria = results.options().sustainability();
    row(out, results.half(), results.half().load(), verdict(criteria.shortfalls(results.half())));
    row(
        out,
        results.floor(),
        results.floor().load(),
        "two GET " + HttpFloor.PROBE + " per operation");
    row(out, results.max(), results.max().load(), verdict(criteria.shortfalls(results.max())));
    for (PhaseResult phase : results.chargeSweep()) {
      row(out, phase, phase.load(), "");
    }
    for (PhaseResult phase : results.claimSweep()) {
      row(out, phase, phase.load(), "");
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "max sustainable HTTP rate: %d reserve+commit/s%n",
        results.search().maxRate());
    out.println(
        "CPU per reserve+commit pair, one at a time (JVM and redis-server): "
            + results.cpuPerPair().describe());
    out.println();
    for (Target target : results.targets()) {
      out.printf(
          Locale.ROOT,
          "%-26s %8.2f %-2s  target %s %5.1f %-2s  ratio %5.2f  %s%n",
          target.name(),
          target.measured(),
          target.unit(),
          target.atLeast() ? ">=" : "<=",
          target.limit(),
          target.unit(),
          target.ratio(),
          target.met() ? "met" : "NOT MET");
    }
    out.printf(
        Locale.ROOT,
        "floor p99 at half the max rate %.2f ms (the same client, service and machine with no"
            + " governor work): the charge path's p99 there is %.2f ms above it%n",
        results.floor().latency().p99Millis(),
        results.half().latency().p99Millis() - results.floor().latency().p99Millis());
  }

  /** A share of the machine's CPU as a percentage, or "an unknown share". */
  static String share(double share) {
    return share < 0 ? "an unknown share" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
  }

  /** Where full runs keep their results, relative to the repository root they run from. */
  static final Path RESULTS = Path.of("benchmarks", "results");

  /**
   * Writes a run's results, {@code json}, and beside them its chart, {@code html} ({@link
   * LoadChart#besides}), and says where on standard error: to {@code out} if given, else for a full
   * run to a new file {@code <name>-<UTC time>.json} under {@link #RESULTS}; a smoke run without
   * {@code out} writes nothing.
   */
  static void writeResults(
      Optional<Path> out,
      boolean smoke,
      String name,
      Supplier<JsonObject> json,
      Supplier<String> html) {
    Optional<Path> file = out.isPresent() || smoke ? out : Optional.of(stamped(name));
    file.ifPresent(
        results -> {
          Path chart = LoadChart.besides(results);
          write(json.get(), results);
          LoadChart.write(html.get(), chart);
          System.err.println("results: " + results + " and " + chart);
        });
  }

  private static Path stamped(String name) {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    return RESULTS.resolve(name + "-" + stamp + ".json");
  }

  /** Writes {@code json} to {@code file}, creating its directory if needed. */
  static void write(JsonObject json, Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, json.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static JsonObject json(LoadResults results) {
    Machine m = results.machine();
    LoadOptions o = results.options();
    JsonArray steps = new JsonArray();
    results
        .search()
        .steps()
        .forEach(
            step ->
                steps.add(
                    phase(step.result())
                        .put("sustainable", step.sustainable())
                        .put("shortfalls", new JsonArray(step.shortfalls()))));
    JsonArray targets = new JsonArray();
    results
        .targets()
        .forEach(
            t ->
                targets.add(
                    new JsonObject()
                        .put("name", t.name())
                        .put("measured", t.measured())
                        .put("limit", t.limit())
                        .put("unit", t.unit())
                        .put("at_least", t.atLeast())
                        .put("ratio", t.ratio())
                        .put("met", t.met())));
    return new JsonObject()
        .put("machine", machine(m))
        .put(
            "options",
            new JsonObject()
                .put("smoke", o.smoke())
                .put("warmup_ms", o.warmup().toMillis())
                .put("duration_ms", o.duration().toMillis())
                .put("step_warmup_ms", o.stepWarmup().toMillis())
                .put("step_ms", o.step().toMillis())
                .put("search_warmup_ms", o.searchWarmup().toMillis())
                .put("refinements", o.refinements())
                .put("max_rate_given", o.maxRate())
                .put("raw_concurrency", o.rawConcurrency())
                .put("connections", o.connections())
                .put("max_outstanding", o.maxOutstanding())
                .put("admission_max_limit", o.admissionMaxLimit())
                .put("admission_min_limit", o.admission().minLimit())
                .put("p99_bound_ms", o.p99Bound().toMillis()))
        .put("raw", phase(results.raw()))
        .put("search", steps)
        .put("max_sustainable_per_second", results.search().maxRate())
        .put("cpu_ms_per_pair", results.cpuPerPair().millis())
        .put("jit_cpu_ms_per_pair", results.cpuPerPair().compilerMillis())
        .put("allocated_bytes_per_pair", results.cpuPerPair().allocatedBytes())
        .put("voluntary_switches_per_pair", results.cpuPerPair().switches().voluntary())
        .put("involuntary_switches_per_pair", results.cpuPerPair().switches().involuntary())
        .put("half", phase(results.half()))
        .put("floor", phase(results.floor()))
        .put("max", phase(results.max()))
        .put(
            "sweep",
            new JsonObject()
                .put("multiples_of_max", new JsonArray(results.options().sweep()))
                .put("charge", phases(results.chargeSweep()))
                .put("claim", phases(results.claimSweep())))
        .put("claim_agents", results.options().claimAgents())
        .put("targets", targets);
  }

  /** Where a run happened, as every harness's results file holds it. */
  static JsonObject machine(Machine m) {
    return new JsonObject()
        .put("cores", m.cores())
        .put("jdk", m.jdk())
        .put("os", m.os())
        .put("redis", m.redis())
        .put("load_average_before", m.loadAverage())
        .put("others_cpu_share", m.othersCpuShare())
        .put("steal_share", m.stealShare())
        .put("generator_in_service_jvm", true);
  }

  private static JsonArray phases(List<PhaseResult> phases) {
    JsonArray json = new JsonArray();
    phases.forEach(p -> json.add(phase(p)));
    return json;
  }

  /** One phase as the results file holds it. */
  static JsonObject phase(PhaseResult p) {
    return new JsonObject()
        .put("name", p.name())
        .put("offered_per_second", p.offeredPerSecond())
        .put("achieved_per_second", p.achievedPerSecond())
        .put("completed", p.completed())
        .put("failed", p.failed())
        .put("dropped", p.dropped())
        .put("latency_ms", latency(p.latency()))
        .put("launch_lag_ms", latency(p.launchLag()))
        .put("rejected", p.rejected())
        .put("rejection_ms", latency(p.rejections()))
        .put("first_failure", p.firstFailure());
  }

  private static JsonObject latency(Latency l) {
    return new JsonObject()
        .put("p50", l.p50Millis())
        .put("p99", l.p99Millis())
        .put("p99_9", l.p999Millis())
        .put("max", l.maxMillis())
        .put("count", l.count());
  }

  private static void row(PrintStream out, PhaseResult p, String load, String verdict) {
    Latency l = p.latency();
    out.printf(
        Locale.ROOT,
        ROW,
        p.name(),
        load,
        p.completed(),
        String.format(Locale.ROOT, "%.0f", p.achievedPerSecond()),
        ms(l.p50Millis()),
        ms(l.p99Millis()),
        ms(l.p999Millis()),
        ms(l.maxMillis()),
        p.offeredPerSecond() == 0 ? "-" : ms(p.launchLag().p99Millis()),
        p.failed(),
        p.dropped(),
        p.rejected(),
        p.rejected() == 0 ? "-" : ms(p.rejections().p99Millis()),
        verdict);
  }

  private static String verdict(List<String> shortfalls) {
    return shortfalls.isEmpty() ? "sustainable" : String.join("; ", shortfalls);
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%.3f", millis);
  }
}
