package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.budget.RawChargePath;
import com.infrafabric.governor.tenant.Scope;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP load harness of the charge path (issue 3): what one LLM call's reserve + commit costs
 * end to end through the governor's REST API on this machine, next to the same two Lua scripts sent
 * raw to Redis in the same run.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ChargePathLoad \
 *     [--smoke] [--out results.json] [--duration 20s] [--warmup 5s] ...   (--help lists all)
 * </pre>
 *
 * <p>One run starts a private redis-server and the real governor service ({@link
 * GovernorUnderLoad}), then runs the phases below, each (and each search step) on an emptied store
 * with the tenant provisioned again over HTTP ({@link TenantSetup}): a phase pays for the records
 * it writes itself (idempotency keys, reservations, ledger, and the append-only-file rewrites they
 * cause), not for the hundred thousand the raw baseline leaves behind.
 *
 * <ol>
 *   <li><b>raw</b>: reserve + commit sent as raw {@code EVALSHA} pairs through the service's own
 *       Redis client, closed loop at a fixed number in flight: the most Redis does for this work;
 *   <li><b>search</b>: open-loop HTTP steps ({@link OpenLoop}) at rising rates, bisected, to find
 *       the maximum sustainable rate ({@link RateSearch}, {@link Sustainability});
 *   <li><b>half</b> and <b>max</b>: open loop at half that rate and at that rate, measured longer.
 * </ol>
 *
 * <p>The load generator runs in this JVM, beside the service, with its own Vert.x instance and
 * event loop; redis-server runs beside both. On a two-core machine they compete for the same cores,
 * so the figures describe the whole machine doing both jobs, and the generator's own delay is
 * reported (launch lag) and included in every latency.
 */
public final class ChargePathLoad {

  /** Agents taking turns, so that per-principal rate-limit buckets are not all one. */
  static final int AGENTS = 64;

  /**
   * The search starts at an eighth of the raw rate, half the 25% target, and climbs or descends
   * from there: a few steps bracket the limit whichever side of the target it lies.
   */
  private static final double START_FRACTION_OF_RAW = 1.0 / 8;

  private static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;

  private final LoadOptions options;
  private final PrintStream progress;
  private final GovernorUnderLoad governor;
  private final LoadClient client;
  private final OpenLoop http;

  private ChargePathLoad(
      LoadOptions options, PrintStream progress, GovernorUnderLoad governor, LoadClient client) {
    this.options = options;
    this.progress = progress;
    this.governor = governor;
    this.client = client;
    this.http =
        new OpenLoop(
            client.context(),
            new HttpChargePath(client, CALL, agents(governor)),
            options.maxOutstanding());
  }

  public static void main(String[] args) {
    if (List.of(args).contains("--help")) {
      System.out.print(LoadOptions.usage());
      return;
    }
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(LoadOptions.usage());
      System.exit(2);
      return;
    }
    LoadResults results = run(options, System.err);
    LoadReport.print(results, System.out);
    options.out().ifPresent(file -> LoadReport.write(results, file));
  }

  /** Runs every phase, telling {@code progress} about each as it ends. */
  static LoadResults run(LoadOptions options, PrintStream progress) {
    double loadAverage = Machine.loadAverageNow();
    Clock clock = Clock.systemUTC();
    try (GovernorUnderLoad governor = GovernorUnderLoad.start(clock);
        LoadClient client =
            LoadClient.connect(governor.port(), options.connections(), options.maxOutstanding())) {
      CpuAccount cpu = CpuAccount.start();
      ChargePathLoad load = new ChargePathLoad(options, progress, governor, client);
      PhaseResult raw = load.raw(clock);
      RateSearch.Outcome search = load.search(raw);
      PhaseResult half =
          load.open("half", search.maxRate() / 2, options.warmup(), options.duration());
      PhaseResult max = load.open("max", search.maxRate(), options.warmup(), options.duration());
      Machine machine = Machine.current(governor.redisVersion(), loadAverage, cpu.othersShare());
      return new LoadResults(machine, options, raw, search, half, max);
    }
  }

  /** The raw EVALSHA baseline through the service's own Redis client. */
  private PhaseResult raw(Clock clock) {
    long pricingVersion = provisionEmptyStore();
    RawChargePath path =
        new RawChargePath(
            governor.store(), clock, Scope.parse(TenantSetup.RAW_SCOPE), CALL, pricingVersion);
    return report(
        new ClosedLoop(governor.redisContext(), path::reserveCommit)
            .run("raw", options.rawConcurrency(), options.warmup(), options.duration()));
  }

  /** Finds the maximum sustainable HTTP rate; fails if there is none to measure at. */
  private RateSearch.Outcome search(PhaseResult raw) {
    RateSearch.Outcome search =
        RateSearch.search(
            (long) (raw.achievedPerSecond() * START_FRACTION_OF_RAW),
            options.refinements(),
            options.sustainability(),
            rate -> open("step", rate, options.stepWarmup(), options.step()));
    if (search.maxRate() == 0) {
      RateSearch.Step last = search.steps().get(search.steps().size() - 1);
      throw new IllegalStateException(
          "no rate down to " + RateSearch.MIN_RATE + "/s was sustainable: " + last.shortfalls());
    }
    return search;
  }

  /** One open-loop HTTP phase on an emptied, freshly provisioned store. */
  private PhaseResult open(String name, long rate, Duration warmup, Duration measure) {
    provisionEmptyStore();
    return report(http.run(name, rate, warmup, measure));
  }

  /** Empties Redis and provisions the tenant; returns the pricing catalogue version. */
  private long provisionEmptyStore() {
    governor.emptyStore();
    return TenantSetup.provision(
        client, governor.admin(), governor.admin(TenantSetup.TENANT), CALL);
  }

  private PhaseResult report(PhaseResult phase) {
    progress.printf(
        Locale.ROOT,
        "%s (%s): achieved %.0f/s, p99 %.3f ms, %d failed, %d dropped%n",
        phase.name(),
        phase.load(),
        phase.achievedPerSecond(),
        phase.latency().p99Millis(),
        phase.failed(),
        phase.dropped());
    return phase;
  }

  private static List<HttpChargePath.Agent> agents(GovernorUnderLoad governor) {
    List<HttpChargePath.Agent> agents = new ArrayList<>(AGENTS);
    for (int i = 0; i < AGENTS; i++) {
      String scope = TenantSetup.agentScope(i);
      agents.add(HttpChargePath.agent(governor.agent("agent-" + i, scope), scope, CALL));
    }
    return agents;
  }
}
