package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.gateway.GatewaySettings;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The claim path alone over HTTP (claim + finish, {@link HttpClaimPath}) with {@code
 * --claim-agents} agents registered (10,000 by default): what each of its scripts costs Redis, its
 * own maximum sustainable rate, and its latency at half that rate and at it. {@link ChargePathLoad}
 * offers the claim path the charge path's rates; this finds the claim path's own.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ClaimPathLoad \
 *     [--smoke] [--claim-agents 10000] [--duration 20s] [--warmup 5s] ...   (--help lists all)
 * </pre>
 *
 * <ol>
 *   <li><b>cost</b>: one claim + finish in flight at a time for {@code --duration}: server time of
 *       each script ({@link ScriptTimes}), Redis commands per operation ({@code INFO commandstats})
 *       and Redis main-thread CPU per operation;
 *   <li><b>cpu</b>: one at a time again, without the slow log, for {@code --duration} after {@code
 *       --warmup} (the cost phase alone left the JIT compilers a quarter of the CPU per operation
 *       to spend): the CPU of the whole run (governor, Redis, client) per operation ({@link
 *       CpuPerCall}), the figure to compare across runs on a shared machine, and the part of it
 *       Redis's main thread took;
 *   <li><b>search</b>: after {@code --search-warmup} closed loop at a few in flight (unmeasured),
 *       open-loop steps at rising rates, bisected ({@link RateSearch}); when {@code --max-rate}
 *       names the rate, {@code --search-warmup} open loop at that rate instead (unmeasured): the
 *       phases one at a time before it leave the JIT compiling what concurrent calls reach (the
 *       open loop, connections opened as the client's pool grows, refusals), 2 to 4 s of
 *       compilation in the first open-loop phase of 13 s after a closed-loop warm-up alone;
 *   <li><b>half</b> and <b>max</b>: open loop at half the maximum sustainable rate and at it, each
 *       followed by where its time went ({@link WhereTimeGoes}: the service's time per route, the
 *       Redis client's per script, CPU by role, the collector's pauses) and by the Redis calls that
 *       ran for {@value #SLOW_CALL_MICROS} µs or more during it, warm-up included, by name (the
 *       slow log at that threshold, which costs the faster calls nothing).
 * </ol>
 *
 * <p>The agents stay registered across phases (tasks, leases and ledger entries accumulate, as for
 * a real tenant). The load generator shares the JVM and the cores with the service and Redis, as in
 * {@link ChargePathLoad}.
 */
public final class ClaimPathLoad {

  private static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;

  /**
   * Options of the shared command line this harness has no use for: it writes no JSON, runs no raw
   * baseline.
   */
  static final Set<String> UNUSED_OPTIONS = Set.of("--out", "--raw-concurrency");

  /**
   * Server time from which a Redis call under load is reported one by one: a call this long could
   * make a tail by itself, where the p99 the targets speak of is a few milliseconds.
   */
  static final int SLOW_CALL_MICROS = 1_000;

  /** The search starts at this rate and climbs or descends from there. */
  private static final long START_RATE = 200;

  private ClaimPathLoad() {}

  public static void main(String[] args) {
    Optional<LoadOptions> parsed = LoadOptions.fromCommandLine(UNUSED_OPTIONS, args);
    if (parsed.isEmpty()) {
      return;
    }
    LoadOptions options = parsed.get();
    run(options, System.out);
  }

  /**
   * What a run measured.
   *
   * @param cost the one-at-a-time phase
   * @param scripts server time of each script and command in that phase, by name ({@code claim},
   *     {@code finish}, ...)
   * @param cpu the CPU of one claim + finish, made one at a time
   * @param search the steps of the rate search and the maximum sustainable rate it found
   * @param half the phase at half that rate
   * @param max the phase at that rate
   */
  record Result(
      PhaseResult cost,
      Map<String, ScriptTimes.Times> scripts,
      CpuPerCall cpu,
      RateSearch.Outcome search,
      PhaseResult half,
      PhaseResult max) {}

  /** Runs every phase, printing what each did to {@code out}. */
  static Result run(LoadOptions options, PrintStream out) {
    out.printf(Locale.ROOT, "load average before: %.2f%n", Machine.loadAverageNow());
    Clock clock = Clock.systemUTC();
    try (GovernorUnderLoad governor =
            GovernorUnderLoad.start(clock, options.admission(), GatewaySettings.NONE);
        LoadClient client =
            LoadClient.connect(governor.port(), options.connections(), options.maxOutstanding())) {
      governor.emptyStore();
      TenantSetup.provision(client, governor.admin(), governor.admin(TenantSetup.TENANT), CALL);
      TenantSetup.claimPolicy(client, governor.admin(TenantSetup.TENANT));
      long start = System.nanoTime();
      governor.registerAgents(TenantSetup.TENANT, options.claimAgents(), CALL.model().model());
      out.printf(
          Locale.ROOT,
          "registered %d agents in %.1f s%n",
          options.claimAgents(),
          (System.nanoTime() - start) / 1e9);
      HttpClaimPath path =
          new HttpClaimPath(
              client,
              governor.dispatcher(TenantSetup.PROJECT),
              TenantSetup.PROJECT,
              Long.toString(System.nanoTime()));
      Cost cost = cost(governor, client, path, options, out);
      CpuPerCall cpu = cpu(governor, client, path, options, out);
      OpenLoop open = new OpenLoop(client.context(), path, options.maxOutstanding());
      RateSearch.Outcome search =
          RateSearch.unlessGiven(
              options,
              out,
              START_RATE,
              () ->
                  print(
                      out, ChargePathLoad.warmUp("search-warmup", client.context(), path, options)),
              rate -> print(out, open.run("warmup", rate, Duration.ZERO, options.searchWarmup())),
              rate -> print(out, open.run("step", rate, options.stepWarmup(), options.step())));
      long rate = Math.max(RateSearch.MIN_RATE, search.maxRate());
      if (options.maxRate() == 0) {
        out.printf(Locale.ROOT, "max sustainable claim+finish rate: %d/s%n", search.maxRate());
      }
      Traced traced =
          new Traced(
              governor.whereTimeGoes(
                  client.call(() -> Future.succeededFuture(Thread.currentThread().getId()))),
              new ScriptTimes(governor.store(), ClaimEngine.scripts()),
              out);
      PhaseResult half =
          traced.run(() -> open.run("half", rate / 2, options.warmup(), options.duration()));
      PhaseResult max =
          traced.run(() -> open.run("max", rate, options.warmup(), options.duration()));
      return new Result(cost.phase(), cost.scripts(), cpu, search, half, max);
    }
  }

  private record Cost(PhaseResult phase, Map<String, ScriptTimes.Times> scripts) {}

  /** One operation in flight: what each script and command costs Redis. */
  private static Cost cost(
      GovernorUnderLoad governor,
      LoadClient client,
      HttpClaimPath path,
      LoadOptions options,
      PrintStream out) {
    ClosedLoop loop = new ClosedLoop(client.context(), path);
    loop.run("cost-warmup", 1, options.warmup(), Duration.ofMillis(1));
    ScriptTimes times = new ScriptTimes(governor.store(), ClaimEngine.scripts());
    governor.resetCommandStats();
    long cpuBefore = governor.redisMainThreadCpuMicros();
    times.start(0);
    PhaseResult phase = loop.run("cost", 1, Duration.ZERO, options.duration());
    Map<String, ScriptTimes.Times> scripts = times.stop();
    long cpu = governor.redisMainThreadCpuMicros() - cpuBefore;
    CommandStats stats = governor.commandStats();
    long operations = Math.max(1, phase.completed());
    out.printf(
        Locale.ROOT,
        "cost: %d claim+finish one at a time, p50 %.3f ms, p99 %.3f ms; Redis CPU %.1f us per"
            + " operation%n  %-28s %8s %10s %8s %8s %8s%n",
        phase.completed(),
        phase.latency().p50Millis(),
        phase.latency().p99Millis(),
        (double) cpu / operations,
        "command (slow log)",
        "calls",
        "mean us",
        "p50 us",
        "p99 us",
        "max us");
    scripts.forEach((name, t) -> out.printf(Locale.ROOT, "  %-28s %s%n", name, columns(t)));
    out.printf(
        Locale.ROOT,
        "  %-28s %14s %12s%n",
        "command (commandstats)",
        "calls per op",
        "us per call");
    stats
        .commands()
        .forEach(
            (command, line) ->
                out.printf(
                    Locale.ROOT,
                    "  %-28s %14.2f %12.2f%n",
                    command,
                    (double) line.calls() / operations,
                    line.microsPerCall()));
    return new Cost(phase, scripts);
  }

  /** One operation in flight, without the slow log: the CPU it costs, all of it and Redis's. */
  private static CpuPerCall cpu(
      GovernorUnderLoad governor,
      LoadClient client,
      HttpClaimPath path,
      LoadOptions options,
      PrintStream out) {
    // Warmed up apart, so that Redis's CPU is read around the measured calls only.
    new ClosedLoop(client.context(), path).run("cpu-warmup", 1, Duration.ZERO, options.warmup());
    long redisBefore = governor.redisMainThreadCpuMicros();
    CpuPerCall cpu = CpuPerCall.measure(client, path, Duration.ZERO, options.duration());
    long redis = governor.redisMainThreadCpuMicros() - redisBefore;
    out.printf(
        Locale.ROOT,
        "cpu: per claim+finish one at a time %s, Redis main thread %.1f us of it; load average"
            + " %.2f%n",
        cpu.describe(),
        (double) redis / cpu.calls(),
        Machine.loadAverageNow());
    return cpu;
  }

  private static String columns(ScriptTimes.Times t) {
    return String.format(
        Locale.ROOT,
        "%8d %10.1f %8d %8d %8d",
        t.calls(),
        t.meanMicros(),
        t.p50Micros(),
        t.p99Micros(),
        t.maxMicros());
  }

  /**
   * Runs open-loop phases and says after each where its time went and which Redis calls were slow.
   */
  private record Traced(WhereTimeGoes where, ScriptTimes slowCalls, PrintStream out) {

    PhaseResult run(Supplier<PhaseResult> phase) {
      WhereTimeGoes.Reading before = where.read();
      slowCalls.start(SLOW_CALL_MICROS);
      PhaseResult result = print(out, phase.get());
      Map<String, ScriptTimes.Times> slow = slowCalls.stop();
      out.print(where.read().since(before));
      out.printf(
          Locale.ROOT,
          "  redis calls of %d us or more: %s%n",
          SLOW_CALL_MICROS,
          slow.isEmpty() ? "none" : "");
      slow.forEach((name, t) -> out.printf(Locale.ROOT, "    %-26s %s%n", name, columns(t)));
      return result;
    }
  }

  private static PhaseResult print(PrintStream out, PhaseResult phase) {
    out.printf(
        Locale.ROOT,
        "%s (%s): admitted %d at %.0f/s, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; shed %d;"
            + " dropped %d; failed %d %s%n",
        phase.name(),
        phase.load(),
        phase.completed(),
        phase.achievedPerSecond(),
        phase.latency().p50Millis(),
        phase.latency().p99Millis(),
        phase.latency().p999Millis(),
        phase.rejected(),
        phase.dropped(),
        phase.failed(),
        phase.firstFailure());
    return phase;
  }
}
