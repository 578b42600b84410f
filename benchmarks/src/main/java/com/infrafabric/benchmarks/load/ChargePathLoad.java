package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.budget.RawChargePath;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.tenant.Scope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

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
 *   <li><b>raw</b>: reserve + commit sent as raw {@code FCALL} pairs through the service's own
 *       Redis client, closed loop at a fixed number in flight: the most Redis does for this work;
 *   <li><b>search</b>: after {@code --search-warmup} of HTTP load closed loop at {@value
 *       #WARMUP_CONCURRENCY} in flight (unmeasured), open-loop HTTP steps ({@link OpenLoop}) at
 *       rising rates, bisected, to find the maximum sustainable rate ({@link RateSearch}, {@link
 *       Sustainability}); when {@code --max-rate} names the rate, {@code --search-warmup} open loop
 *       at that rate instead (unmeasured);
 *   <li><b>cpu</b>: reserve + commit pairs one at a time (closed loop) for {@code --duration} after
 *       {@code --warmup}: the CPU per pair of this JVM (service and load client) and its
 *       redis-server, and the JIT compilers' part of it ({@link CpuPerCall}), the figure that
 *       compares across runs on a shared machine where latencies do not;
 *   <li><b>half</b> and <b>max</b>: open loop at half that rate and at that rate, measured longer;
 *   <li><b>floor</b>: two liveness probes per operation ({@link HttpFloor}) at half that rate: what
 *       the same client, service and machine cost with no governor work, under the charge path;
 *   <li><b>sweep</b>: open loop at multiples of that rate up to twice it ({@link
 *       LoadOptions#sweep()}): what is admitted keeps its latency, the rest is shed at once;
 *   <li><b>claim</b>: with {@code --claim-agents} agents registered (10,000 by default), after a
 *       warm-up of its own as long as the search's, claim + finish over HTTP ({@link
 *       HttpClaimPath}) at the same offered rates.
 * </ol>
 *
 * <p>A full run writes its JSON and a chart of latency against offered rate ({@link LoadChart})
 * under {@code benchmarks/results/} unless {@code --out} names the JSON file.
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

  /** The LLM call every reserve + commit pair is for. */
  static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;

  /**
   * Operations in flight while the service warms up before the search: a moderate load that keeps
   * every event loop busy without queueing anything, on a machine with any number of cores.
   */
  static final int WARMUP_CONCURRENCY = 4;

  private final LoadOptions options;
  private final PrintStream progress;
  private final GovernorUnderLoad governor;
  private final LoadClient client;
  private final HttpChargePath charge;
  private final OpenLoop http;
  private final WhereTimeGoes where;

  private ChargePathLoad(
      LoadOptions options, PrintStream progress, GovernorUnderLoad governor, LoadClient client) {
    this.options = options;
    this.progress = progress;
    this.governor = governor;
    this.client = client;
    this.charge = new HttpChargePath(client, CALL, agents(governor));
    this.http = new OpenLoop(client.context(), charge, options.maxOutstanding());
    this.where =
        governor.whereTimeGoes(
            client.call(() -> Future.succeededFuture(Thread.currentThread().getId())));
  }

  public static void main(String[] args) {
    Optional<LoadOptions> parsed = LoadOptions.fromCommandLine(Set.of(), args);
    if (parsed.isEmpty()) {
      return;
    }
    LoadOptions options = parsed.get();
    LoadResults results = run(options, System.err);
    LoadReport.print(results, System.out);
    LoadReport.writeResults(
        options.out(),
        options.smoke(),
        "charge-path-load",
        () -> LoadReport.json(results),
        () -> LoadChart.html(results));
  }

  /** Runs every phase, telling {@code progress} about each as it ends. */
  static LoadResults run(LoadOptions options, PrintStream progress) {
    double loadAverage = Machine.loadAverageNow();
    Clock clock = Clock.systemUTC();
    try (GovernorUnderLoad governor =
            GovernorUnderLoad.start(clock, options.admission(), GatewaySettings.NONE);
        LoadClient client =
            LoadClient.connect(governor.port(), options.connections(), options.maxOutstanding())) {
      CpuAccount cpu = CpuAccount.start();
      ChargePathLoad load = new ChargePathLoad(options, progress, governor, client);
      PhaseResult raw = load.raw(clock);
      RateSearch.Outcome search = load.search(raw);
      long rate = load.measuredRate(search);
      CpuPerCall cpuPerPair = load.cpuPerPair();
      PhaseResult half = load.open("half", rate / 2, options.warmup(), options.duration());
      PhaseResult floor = load.floor(rate / 2);
      PhaseResult max = load.open("max", rate, options.warmup(), options.duration());
      List<PhaseResult> chargeSweep = load.sweep("charge", rate, load.http, true);
      List<PhaseResult> claimSweep =
          load.sweep("claim", rate, load.claimPath(options.claimAgents()), false);
      Machine machine = Machine.current(governor.redisVersion(), loadAverage, cpu);
      return new LoadResults(
          machine, options, raw, search, cpuPerPair, half, floor, max, chargeSweep, claimSweep);
    }
  }

  /** The raw FCALL baseline through the service's own Redis client. */
  private PhaseResult raw(Clock clock) {
    long pricingVersion = provisionEmptyStore();
    return report(raw(governor, clock, pricingVersion, options, options.duration()));
  }

  /**
   * Raw reserve + commit {@code FCALL} pairs through the service's own Redis client, from a context
   * of its own, {@code --raw-concurrency} in flight for {@code --warmup} then {@code measure}.
   */
  static PhaseResult raw(
      GovernorUnderLoad governor,
      Clock clock,
      long pricingVersion,
      LoadOptions options,
      Duration measure) {
    RawChargePath path =
        new RawChargePath(
            governor.store(), clock, Scope.parse(TenantSetup.RAW_SCOPE), CALL, pricingVersion);
    return new ClosedLoop(governor.redisContext(), path::reserveCommit)
        .run("raw", options.rawConcurrency(), options.warmup(), measure);
  }

  /**
   * Finds the maximum sustainable HTTP rate, unless {@code --max-rate} gave one: then {@code
   * --search-warmup} open loop at it, unmeasured, stands in for the search's warm-up and steps.
   */
  private RateSearch.Outcome search(PhaseResult raw) {
    return RateSearch.unlessGiven(
        options,
        progress,
        (long) (raw.achievedPerSecond() * START_FRACTION_OF_RAW),
        () -> {
          provisionEmptyStore();
          report(warmUp("search-warmup", client.context(), charge, options));
        },
        rate -> open("warmup", rate, Duration.ZERO, options.searchWarmup()),
        rate -> open("step", rate, options.stepWarmup(), options.step()));
  }

  /**
   * {@code --search-warmup} of {@code operation} closed loop at {@value #WARMUP_CONCURRENCY} in
   * flight, unmeasured, as the phase {@code name}: the first measured step then meets compiled code
   * and a warm Redis.
   */
  static PhaseResult warmUp(
      String name, Context context, Operation operation, LoadOptions options) {
    return new ClosedLoop(context, operation)
        .run(name, WARMUP_CONCURRENCY, Duration.ZERO, options.searchWarmup());
  }

  /**
   * The rate the later phases are measured at: the maximum sustainable one. A full run fails if
   * there is none; a smoke run, whose steps last half a second and whose figures mean nothing, goes
   * on at the lowest rate so that every phase still runs.
   */
  private long measuredRate(RateSearch.Outcome search) {
    if (search.maxRate() > 0) {
      return search.maxRate();
    }
    RateSearch.Step last = search.steps().get(search.steps().size() - 1);
    String none =
        "no rate down to " + RateSearch.MIN_RATE + "/s was sustainable: " + last.shortfalls();
    if (!options.smoke()) {
      throw new IllegalStateException(none);
    }
    progress.println(none + "; the smoke run goes on at " + RateSearch.MIN_RATE + "/s");
    return RateSearch.MIN_RATE;
  }

  /**
   * Reserve + commit pairs one at a time on an emptied store: CPU per pair ({@link CpuPerCall}).
   */
  private CpuPerCall cpuPerPair() {
    provisionEmptyStore();
    CpuPerCall cpu = CpuPerCall.measure(client, charge, options.warmup(), options.duration());
    progress.println("cpu (one pair at a time) per reserve+commit: " + cpu.describe());
    return cpu;
  }

  /** One open-loop HTTP phase on an emptied, freshly provisioned store. */
  private PhaseResult open(String name, long rate, Duration warmup, Duration measure) {
    provisionEmptyStore();
    return report(traced(() -> http.run(name, rate, warmup, measure)));
  }

  /** The floor ({@link HttpFloor}) at {@code rate}, measured as long as a charge phase. */
  private PhaseResult floor(long rate) {
    OpenLoop probes =
        new OpenLoop(client.context(), new HttpFloor(client), options.maxOutstanding());
    return report(probes.run("floor", rate, options.warmup(), options.duration()));
  }

  /**
   * Offers {@code path} each of the sweep's multiples of {@code maxRate}, each phase on an emptied
   * store if {@code emptyStoreFirst} (the claim path's phases keep the agents registered for them).
   */
  private List<PhaseResult> sweep(
      String name, long maxRate, OpenLoop path, boolean emptyStoreFirst) {
    List<PhaseResult> phases = new ArrayList<>();
    for (double multiple : options.sweep()) {
      if (emptyStoreFirst) {
        provisionEmptyStore();
      }
      String phase = String.format(Locale.ROOT, "%s@%.2fx", name, multiple);
      long rate = Math.max(1, Math.round(maxRate * multiple));
      phases.add(report(traced(() -> path.run(phase, rate, options.warmup(), options.duration()))));
    }
    return List.copyOf(phases);
  }

  /**
   * An emptied store with {@code agents} agents registered, and the claim path over HTTP, warmed up
   * ({@link #warmUp}). The charge path's sweep comes after minutes of charge load; without a
   * warm-up of its own the claim sweep's first steps measured the JIT compiling the claim path (0.5
   * to 1.9 s of compilation in a 13 s step), not the claim path.
   */
  private OpenLoop claimPath(int agents) {
    provisionEmptyStore();
    TenantSetup.claimPolicy(client, governor.admin(TenantSetup.TENANT));
    long start = System.nanoTime();
    governor.registerAgents(TenantSetup.TENANT, agents, CALL.model().model());
    progress.printf(
        Locale.ROOT, "registered %d agents in %.1f s%n", agents, (System.nanoTime() - start) / 1e9);
    HttpClaimPath claims =
        new HttpClaimPath(
            client,
            governor.dispatcher(TenantSetup.PROJECT),
            TenantSetup.PROJECT,
            Long.toString(System.nanoTime()));
    report(warmUp("claim-warmup", client.context(), claims, options));
    return new OpenLoop(client.context(), claims, options.maxOutstanding());
  }

  /** Empties Redis and provisions the tenant; returns the pricing catalogue version. */
  private long provisionEmptyStore() {
    governor.emptyStore();
    return TenantSetup.provision(
        client, governor.admin(), governor.admin(TenantSetup.TENANT), CALL);
  }

  /** Runs {@code phase} and tells {@code progress} where its time went ({@link WhereTimeGoes}). */
  private PhaseResult traced(Supplier<PhaseResult> phase) {
    WhereTimeGoes.Reading before = where.read();
    PhaseResult result = phase.get();
    progress.print(where.read().since(before));
    return result;
  }

  private PhaseResult report(PhaseResult phase) {
    progress.printf(
        Locale.ROOT,
        "%s (%s): admitted %d at %.0f/s, p99 %.3f ms; shed %d, p99 %.3f ms; client-dropped %d;"
            + " failed %d%n",
        phase.name(),
        phase.load(),
        phase.completed(),
        phase.achievedPerSecond(),
        phase.latency().p99Millis(),
        phase.rejected(),
        phase.rejections().p99Millis(),
        phase.dropped(),
        phase.failed());
    return phase;
  }

  /** The {@value #AGENTS} agents' tokens and reserve bodies, each on its own scope. */
  static List<HttpChargePath.Agent> agents(GovernorUnderLoad governor) {
    List<HttpChargePath.Agent> agents = new ArrayList<>(AGENTS);
    for (int i = 0; i < AGENTS; i++) {
      String scope = TenantSetup.agentScope(i);
      agents.add(HttpChargePath.agent(governor.agent("agent-" + i, scope), scope, CALL));
    }
    return agents;
  }
}
