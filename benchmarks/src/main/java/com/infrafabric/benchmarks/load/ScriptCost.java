package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.benchmarks.BenchmarkRedis;
import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.governor.budget.RawChargePath;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.redis.LuaScript;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What each charge-path script costs the Redis thread, from Redis's own {@code INFO commandstats},
 * next to the smallest realistic budget script ({@code lua/minimal_budget.lua}: HMGET×3, HINCRBY×3,
 * HSET, XADD over three layers) run on the same server in the same run. One script in flight at a
 * time, so the figures are server time per call, not queueing.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ScriptCost [seconds]
 * </pre>
 *
 * <p>Prints, per phase, every command Redis ran with its calls per operation and microseconds per
 * call; a script's {@code fcall} time (the governor's scripts are functions; the minimal one is an
 * {@code evalsha}) includes its inner commands, so what a script spends in Lua itself is that time
 * minus theirs. Both figures are wall-clock time, which a busy machine inflates; the CPU time
 * Redis's main thread used per script ({@code INFO cpu}, reading and answering included) is printed
 * beside them and holds steadier.
 */
public final class ScriptCost {

  private static final BenchmarkCall CALL = BenchmarkCall.TYPICAL;
  private static final LuaScript MINIMAL =
      LuaScript.fromResource(ScriptCost.class, "minimal_budget");
  private static final Duration WARMUP = Duration.ofSeconds(3);

  private ScriptCost() {}

  /** The seconds to measure each phase, the one optional argument. */
  private static Duration measure(List<String> args) {
    if (args.size() > 1) {
      throw new IllegalArgumentException("expected at most one argument, the seconds per phase");
    }
    return Duration.ofSeconds(
        args.isEmpty() ? 10 : CommandLine.wholeNumber("seconds", args.get(0), 1, 3_600));
  }

  private static final String USAGE =
      "usage: ScriptCost [seconds]   (measured seconds per phase, 1..3600; default 10)\n";

  public static void main(String[] args) {
    Optional<Duration> parsed = CommandLine.parse(USAGE, args, ScriptCost::measure);
    if (parsed.isEmpty()) {
      return;
    }
    Duration measure = parsed.get();
    PrintStream out = System.out;
    Clock clock = Clock.systemUTC();
    try (GovernorUnderLoad governor = GovernorUnderLoad.start(clock);
        LoadClient client = LoadClient.connect(governor.port(), 1, 16)) {
      governor.emptyStore();
      long pricing =
          TenantSetup.provision(client, governor.admin(), governor.admin(TenantSetup.TENANT), CALL);
      RawChargePath charge =
          new RawChargePath(
              governor.store(), clock, Scope.parse(TenantSetup.RAW_SCOPE), CALL, pricing);
      Phase pair = measure(governor, "reserve+commit", 2, measure, charge::reserveCommit);
      BenchmarkRedis.await(governor.store().load(List.of(MINIMAL)));
      Phase minimal = measure(governor, "minimal script", 1, measure, () -> minimal(governor));
      print(out, pair);
      print(out, minimal);
      double perScript = pair.stats().command("fcall").microsPerCall();
      double yardstick = minimal.stats().command("evalsha").microsPerCall();
      out.printf(
          Locale.ROOT,
          "%nserver time per governor script / minimal script: %.1f / %.1f us = %.2fx%n",
          perScript,
          yardstick,
          perScript / yardstick);
      out.printf(
          Locale.ROOT,
          "Redis CPU per governor script / minimal script: %.1f / %.1f us = %.2fx%n",
          pair.cpuMicrosPerScript(),
          minimal.cpuMicrosPerScript(),
          pair.cpuMicrosPerScript() / minimal.cpuMicrosPerScript());
    }
  }

  /**
   * A phase's command statistics, the operations it completed and the CPU time Redis's main thread
   * used meanwhile.
   */
  record Phase(
      String name, int scriptsPerOperation, long operations, CommandStats stats, long cpuMicros) {

    /** Redis CPU time per script, microseconds: reading, running and answering it. */
    double cpuMicrosPerScript() {
      return (double) cpuMicros / Math.max(1, operations * scriptsPerOperation);
    }
  }

  private static Phase measure(
      GovernorUnderLoad governor,
      String name,
      int scriptsPerOperation,
      Duration measure,
      Operation operation) {
    ClosedLoop loop = new ClosedLoop(governor.redisContext(), operation);
    loop.run(name, 1, WARMUP, Duration.ofMillis(1));
    governor.resetCommandStats();
    long cpuBefore = governor.redisMainThreadCpuMicros();
    PhaseResult result = loop.run(name, 1, Duration.ZERO, measure);
    long cpu = governor.redisMainThreadCpuMicros() - cpuBefore;
    return new Phase(name, scriptsPerOperation, result.completed(), governor.commandStats(), cpu);
  }

  private static Future<?> minimal(GovernorUnderLoad governor) {
    String tag = "{minimal}";
    return governor
        .store()
        .eval(
            MINIMAL,
            List.of(
                tag + ":tenant",
                tag + ":project",
                tag + ":agent",
                tag + ":hold:" + UUID.randomUUID(),
                tag + ":ledger"),
            List.of("1000", UUID.randomUUID().toString()));
  }

  private static void print(PrintStream out, Phase phase) {
    out.printf(
        Locale.ROOT,
        "%n%s: %d operations, %d script(s) each%n  %-16s %14s %12s%n",
        phase.name(),
        phase.operations(),
        phase.scriptsPerOperation(),
        "command",
        "calls per op",
        "us per call");
    phase
        .stats()
        .commands()
        .forEach(
            (command, line) ->
                out.printf(
                    Locale.ROOT,
                    "  %-16s %14.2f %12.2f%n",
                    command,
                    (double) line.calls() / Math.max(1, phase.operations()),
                    line.microsPerCall()));
  }
}
