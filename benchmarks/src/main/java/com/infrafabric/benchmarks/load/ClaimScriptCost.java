package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.governor.claim.RawClaimPath;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.tenant.Scope;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What one claim + finish costs Redis's main thread, this build's functions against another
 * build's, on one server in one run: both builds' claim and finish (functions are named by the
 * SHA-1 of their code, so they load side by side) are called raw ({@link RawClaimPath}) one pair at
 * a time, in rounds that alternate which build goes first, on the same agents and budget; each
 * round reads Redis's main-thread CPU ({@code INFO cpu}) and its command counts ({@code INFO
 * commandstats}, which counts the commands a function calls under their own names).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ScriptSources OLD
 *     (run with the other build's classes first on the class path)
 * java -cp benchmarks/target/benchmarks.jar com.infrafabric.benchmarks.load.ClaimScriptCost \
 *     [--old OLD] [--agents 1000] [--rounds 10] [--pairs 300]
 * </pre>
 *
 * <p>Without {@code --old} it measures this build alone. The agents are registered as {@link
 * ClaimPathLoad} registers them, and tasks require two of their capabilities as {@link
 * HttpClaimPath}'s do. CPU is a machine's most stable figure, but a shared machine still moves it:
 * compare the two builds within one run, never across runs.
 */
public final class ClaimScriptCost {

  private static final String USAGE =
      "usage: ClaimScriptCost [--old DIR] [--agents N] [--rounds N] [--pairs N]\n"
          + "  --old     a folder ScriptSources wrote another build's scripts into\n"
          + "  --agents  agents registered (default 1000)\n"
          + "  --rounds  rounds, each build once per round (default 10)\n"
          + "  --pairs   claim + finish pairs per build and round (default 300)\n";

  private ClaimScriptCost() {}

  /** The command line, read. */
  record Options(Optional<Path> old, int agents, int rounds, int pairs) {

    static Options parse(List<String> args) {
      Map<String, String> given =
          CommandLine.options(args, Set.of("--old", "--agents", "--rounds", "--pairs"), Set.of());
      return new Options(
          Optional.ofNullable(given.get("--old")).map(Path::of),
          number(given, "--agents", 1_000, 100_000),
          number(given, "--rounds", 10, 1_000),
          number(given, "--pairs", 300, 100_000));
    }

    private static int number(Map<String, String> given, String name, int otherwise, int max) {
      String value = given.get(name);
      return value == null ? otherwise : (int) CommandLine.wholeNumber(name, value, 1, max);
    }
  }

  public static void main(String[] args) {
    CommandLine.parse(USAGE, args, Options::parse).ifPresent(o -> run(o, System.out));
  }

  /**
   * What one build cost.
   *
   * @param build {@code old} or {@code this build}
   * @param cpuMicrosPerPair Redis main-thread CPU per claim + finish, the mean of the rounds
   * @param lowestRound the lowest of the rounds' CPU per claim + finish
   * @param highestRound the highest of them
   * @param commandsPerPair the commands Redis ran per claim + finish, by name ({@code fcall} and
   *     the commands the functions called)
   */
  record Result(
      String build,
      double cpuMicrosPerPair,
      double lowestRound,
      double highestRound,
      Map<String, Double> commandsPerPair) {}

  /** What one build cost over every round. */
  private static final class Tally {
    final String name;
    final RawClaimPath path;
    final List<Double> cpuPerPair = new ArrayList<>();
    final Map<String, Long> calls = new TreeMap<>();
    long pairs;

    Tally(String name, RawClaimPath path) {
      this.name = name;
      this.path = path;
    }
  }

  /** Runs the rounds, printing each build's figures to {@code out}; returns them, old first. */
  static List<Result> run(Options options, PrintStream out) {
    Clock clock = Clock.systemUTC();
    out.printf(Locale.ROOT, "load average before: %.2f%n", Machine.loadAverageNow());
    try (GovernorUnderLoad governor = GovernorUnderLoad.start(clock);
        LoadClient client = LoadClient.connect(governor.port(), 1, 16)) {
      governor.emptyStore();
      TenantSetup.provision(
          client, governor.admin(), governor.admin(TenantSetup.TENANT), BenchmarkCall.TYPICAL);
      TenantSetup.claimPolicy(client, governor.admin(TenantSetup.TENANT));
      governor.registerAgents(
          TenantSetup.TENANT, options.agents(), BenchmarkCall.TYPICAL.model().model());
      List<Tally> builds = builds(governor, clock, options.old());
      rounds(governor, builds, options);
      List<Result> results = builds.stream().map(ClaimScriptCost::result).toList();
      results.forEach(result -> print(out, result));
      if (builds.size() == 2) {
        out.printf(
            Locale.ROOT,
            "this build / old, median of the rounds' ratios: %.3f%n",
            medianRatio(builds.get(1).cpuPerPair, builds.get(0).cpuPerPair));
      }
      out.printf(Locale.ROOT, "load average after: %.2f%n", Machine.loadAverageNow());
      return results;
    }
  }

  /** The other build's claim and finish, if given, then this build's. */
  private static List<Tally> builds(GovernorUnderLoad governor, Clock clock, Optional<Path> old) {
    Scope scope = Scope.parse(TenantSetup.PROJECT);
    List<Tally> builds = new ArrayList<>();
    old.ifPresent(
        dir ->
            builds.add(
                new Tally(
                    "old",
                    new RawClaimPath(
                        governor.store(),
                        clock,
                        scope,
                        RawClaimPath.ofSource("claim", read(dir, "claim")),
                        RawClaimPath.ofSource("finish", read(dir, "finish"))))));
    // Each function is loaded by its first call, which finds it missing (the store's own recovery):
    // loading them here would also delete the other build's, as loading a version does.
    builds.add(new Tally("this build", RawClaimPath.of(governor.store(), clock, scope)));
    return builds;
  }

  /**
   * A warm-up of each build, then the rounds: each build once per round, the first of them taking
   * turns, with Redis's CPU and command counts read around each.
   */
  private static void rounds(GovernorUnderLoad governor, List<Tally> builds, Options options) {
    Tasks tasks = new Tasks();
    builds.forEach(build -> pairs(build, tasks, options.pairs()));
    for (int round = 0; round < options.rounds(); round++) {
      for (int i = 0; i < builds.size(); i++) {
        Tally build = builds.get((round + i) % builds.size());
        governor.resetCommandStats();
        long before = governor.redisMainThreadCpuMicros();
        pairs(build, tasks, options.pairs());
        long cpu = governor.redisMainThreadCpuMicros() - before;
        build.cpuPerPair.add((double) cpu / options.pairs());
        build.pairs += options.pairs();
        governor
            .commandStats()
            .commands()
            .forEach((command, line) -> build.calls.merge(command, line.calls(), Long::sum));
      }
    }
  }

  /**
   * The median of {@code ours[i] / theirs[i]} over the rounds: each round measures both builds back
   * to back, so a ratio within a round is spared most of what a busy machine does to both.
   */
  static double medianRatio(List<Double> ours, List<Double> theirs) {
    double[] ratios = new double[ours.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = ours.get(i) / theirs.get(i);
    }
    Arrays.sort(ratios);
    int middle = ratios.length / 2;
    return ratios.length % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
  }

  private static void pairs(Tally build, Tasks tasks, int count) {
    for (int i = 0; i < count; i++) {
      build.path.claimFinish(tasks.nextId(), tasks.nextRequired()).await();
    }
  }

  /** The commands the harness sends between rounds (config|resetstat counts as config). */
  private static final Set<String> HARNESS_COMMANDS = Set.of("config", "info");

  private static Result result(Tally build) {
    Map<String, Double> perPair = new LinkedHashMap<>();
    build.calls.forEach(
        (command, calls) -> {
          if (!HARNESS_COMMANDS.contains(command.split("\\|")[0])) {
            perPair.put(command, (double) calls / build.pairs);
          }
        });
    DoubleSummaryStatistics cpu =
        build.cpuPerPair.stream().mapToDouble(Double::doubleValue).summaryStatistics();
    return new Result(build.name, cpu.getAverage(), cpu.getMin(), cpu.getMax(), perPair);
  }

  private static void print(PrintStream out, Result result) {
    out.printf(
        Locale.ROOT,
        "%s: Redis main-thread CPU per claim + finish %.1f us (rounds %.1f..%.1f);"
            + " commands per claim + finish %.2f%n",
        result.build(),
        result.cpuMicrosPerPair(),
        result.lowestRound(),
        result.highestRound(),
        result.commandsPerPair().values().stream().mapToDouble(Double::doubleValue).sum());
    result
        .commandsPerPair()
        .forEach((name, n) -> out.printf(Locale.ROOT, "    %-14s %6.2f%n", name, n));
  }

  /** Task ids and the two capabilities each requires, as {@link HttpClaimPath} draws them. */
  private static final class Tasks {
    private final SplittableRandom random = new SplittableRandom(12);
    private final String run = Long.toString(System.nanoTime());
    private long next;

    String nextId() {
      return run + "-" + next++;
    }

    CapabilitySet nextRequired() {
      int n = HttpClaimPath.CAPABILITIES;
      int first = random.nextInt(n);
      int second = (first + 1 + random.nextInt(n - 1)) % n;
      return CapabilitySet.of(Map.of("c" + first, 1, "c" + second, 1));
    }
  }

  private static String read(Path dir, String name) {
    try {
      return Files.readString(dir.resolve(name + ".lua"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ".lua from " + dir, e);
    }
  }
}
