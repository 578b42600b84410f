package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.governor.tenant.TenantKeyNames;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Redis memory under a long reserve + commit load (issue 12, "Redis memory after 10 minutes of
 * load: flat"): the real governor service ({@link GovernorUnderLoad}) on a private redis-server,
 * reserve + commit over HTTP ({@link HttpChargePath}) open loop at a fixed rate ({@link OpenLoop})
 * for a long time, with what each pair leaves kept briefly enough that the steady state comes
 * within the run ({@link Retention}): idempotency records and finished reservations lapse after a
 * minute, the ledger archive runs on its schedule into a temporary directory and moves entries
 * older than a minute out of Redis. Every {@code --sample-every} the store's memory is read ({@link
 * MemorySampler}); after the warm-up its slope and range are judged against what the load wrote
 * ({@link MemoryVerdict}), and the level it holds is set beside the README's sizing formula.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.MemoryUnderLoad \
 *     [--duration 10m] [--rate 200] [--out memory.json] [--smoke]   (--help lists all)
 * </pre>
 *
 * <p>The service refuses an idempotency TTL under 24 hours from any configuration; this harness
 * goes below it through the governor's test hook ({@code IdempotencyBelowFloor}, shipped only in
 * its test-jar), and says so in its output. A full run writes its JSON and a chart ({@link
 * MemoryChart}) under {@code benchmarks/results/} unless {@code --out} names the JSON file.
 */
public final class MemoryUnderLoad {

  private static final int MAX_OUTSTANDING = 1_024;

  private MemoryUnderLoad() {}

  public static void main(String[] args) {
    Optional<MemoryOptions> parsed =
        CommandLine.parse(
            MemoryOptions.usage(),
            args,
            given -> MemoryOptions.parse(given.toArray(String[]::new)));
    if (parsed.isEmpty()) {
      return;
    }
    MemoryOptions options = parsed.get();
    MemoryResults results = run(options, System.err);
    MemoryReport.print(results, System.out);
    LoadReport.writeResults(
        options.out(),
        options.smoke(),
        "memory-under-load",
        () -> MemoryReport.json(results),
        () -> MemoryChart.html(results));
  }

  /** Runs the load, reading the store throughout and telling {@code progress} each reading. */
  static MemoryResults run(MemoryOptions options, PrintStream progress) {
    double loadAverage = Machine.loadAverageNow();
    try (GovernorUnderLoad governor =
            GovernorUnderLoad.start(Clock.systemUTC(), options.retention());
        LoadClient client =
            LoadClient.connect(governor.port(), LoadOptions.CONNECTIONS, MAX_OUTSTANDING)) {
      CpuAccount cpu = CpuAccount.start();
      TenantSetup.provision(
          client, governor.admin(), governor.admin(TenantSetup.TENANT), ChargePathLoad.CALL);
      OpenLoop load =
          new OpenLoop(
              client.context(),
              new HttpChargePath(client, ChargePathLoad.CALL, ChargePathLoad.agents(governor)),
              MAX_OUTSTANDING);
      progress.println("settings: " + MemoryReport.settings(options));
      progress.println(MemoryReport.HEADER);
      MemorySampler sampler =
          MemorySampler.start(
              governor,
              TenantKeyNames.of(TenantSetup.TENANT),
              governor.archiveDirectory(),
              options.sampleEvery().toMillis(),
              sample -> progress.println(MemoryReport.row(sample)));
      PhaseResult phase =
          load.run("memory", options.ratePerSecond(), Duration.ZERO, options.duration());
      List<MemorySample> series = sampler.stop();
      Machine machine = Machine.current(governor.redisVersion(), loadAverage, cpu);
      return new MemoryResults(
          machine, options, phase, series, sampler.missed(), Machine.loadAverageNow());
    }
  }
}
