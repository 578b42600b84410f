package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.platform.http.AdmissionSettings;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What one reserve + commit pair over HTTP costs the machine, closed loop at {@value #ALONE}, at
 * {@value #CROWDED} and at four times as many pairs in flight: CPU, heap allocated and context
 * switches per pair ({@link CpuPerCall}), and where the time went ({@link WhereTimeGoes}: the
 * service's own HTTP and Redis client timers), against the governor configured as production runs
 * it. The cheap way to compare two builds of the charge path on a shared machine, where latencies
 * mean little and these figures hardly move; {@link ChargePathLoad} runs the full harness. Its raw
 * phase runs first, for {@code --warmup}, as the full harness runs it before its HTTP phases: the
 * Redis client's connections then belong to the loops they would belong to there. The admission
 * limit is fixed at {@code --admission-max-limit}, so that nothing in flight is shed: a shed
 * request costs next to nothing and would lower the figures per pair.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ChargePathCost \
 *     [--warmup 3s] [--duration 10s]
 * </pre>
 */
public final class ChargePathCost {

  /** One pair at a time: every hop of the path is a wake-up, none hidden by other work. */
  static final int ALONE = 1;

  /** Enough in flight to keep every loop busy and the Redis client's connections in use. */
  static final int CROWDED = 8;

  private static final Set<String> UNUSED =
      Set.of(
          "--step-warmup",
          "--step",
          "--search-warmup",
          "--refinements",
          "--max-rate",
          "--p99-bound",
          "--claim-agents",
          "--out");

  private ChargePathCost() {}

  public static void main(String[] args) {
    Optional<LoadOptions> parsed = LoadOptions.fromCommandLine(UNUSED, args);
    if (parsed.isPresent()) {
      run(parsed.get(), System.out);
    }
  }

  /** Measures at each concurrency in turn on a freshly provisioned store; prints as it goes. */
  static void run(LoadOptions options, PrintStream out) {
    out.printf(Locale.ROOT, "load average at start %.2f%n", Machine.loadAverageNow());
    try (GovernorUnderLoad governor =
            GovernorUnderLoad.start(
                Clock.systemUTC(),
                AdmissionSettings.fixed(options.admissionMaxLimit()),
                GatewaySettings.NONE);
        LoadClient client =
            LoadClient.connect(governor.port(), options.connections(), options.maxOutstanding())) {
      HttpChargePath charge =
          new HttpChargePath(client, BenchmarkCall.TYPICAL, ChargePathLoad.agents(governor));
      WhereTimeGoes where =
          governor.whereTimeGoes(
              client.call(() -> Future.succeededFuture(Thread.currentThread().getId())));
      long pricingVersion = provision(governor, client);
      ChargePathLoad.raw(governor, Clock.systemUTC(), pricingVersion, options, Duration.ZERO);
      for (int concurrency : List.of(ALONE, CROWDED, CROWDED * 4)) {
        provision(governor, client);
        new ClosedLoop(client.context(), charge)
            .run("warmup", concurrency, Duration.ZERO, options.warmup());
        WhereTimeGoes.Reading before = where.read();
        CpuPerCall cost =
            CpuPerCall.measure(client, charge, concurrency, Duration.ZERO, options.duration());
        out.printf(
            Locale.ROOT,
            "%d in flight, %d pairs, per pair: %s; load average %.2f%n%s",
            concurrency,
            cost.calls(),
            cost.describe(),
            Machine.loadAverageNow(),
            where.read().since(before));
      }
    }
  }

  /** Empties Redis and provisions the tenant; returns the pricing catalogue version. */
  private static long provision(GovernorUnderLoad governor, LoadClient client) {
    governor.emptyStore();
    return TenantSetup.provision(
        client, governor.admin(), governor.admin(TenantSetup.TENANT), BenchmarkCall.TYPICAL);
  }
}
