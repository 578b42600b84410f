package com.infrafabric.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time spent on this machine while a run lasts, split between the run itself and everything
 * else, so that a reader can tell a quiet machine from a shared one. The run is this JVM and every
 * process it started, with the children they have reaped (redis-server's append-only-file rewrites
 * are forks of it). Read from {@code /proc}, in clock ticks, hence Linux only; elsewhere the split
 * is unknown. Of the run's own time, the part this JVM's JIT compilers took is told apart too: a
 * path not yet compiled spends it once, not on every call.
 */
final class CpuAccount {

  private static final Path PROC = Path.of("/proc");

  /** Fields 14 to 17 of {@code /proc/<pid>/stat}, counted after the command name's ')'. */
  private static final int UTIME = 11;

  private static final int STIME = 12;

  private static final int CSTIME = 14;

  /** HotSpot's C1 and C2 compiler threads, as {@code /proc} names them (cut to 15 characters). */
  private static final String COMPILER_THREAD = "CompilerThre";

  /** The unit of {@code /proc}'s times, USER_HZ: 100 a second on Linux's common builds. */
  private static final double TICKS_PER_SECOND = 100;

  /**
   * Positions in {@code /proc/stat}'s cpu line (user, nice, system, idle, iowait, irq, softirq,
   * steal).
   */
  private static final int IDLE = 3;

  private static final int IOWAIT = 4;

  /** Time the hypervisor gave other virtual machines. */
  private static final int STEAL = 7;

  private final Optional<MachineTicks> machineStart;
  private final OptionalLong ownStart;
  private final OptionalLong compilerStart;

  private CpuAccount() {
    this.machineStart = MachineTicks.now();
    this.ownStart = ownTicks();
    this.compilerStart = compilerTicks();
  }

  /** Starts counting now; start it once the run's own processes are up. */
  static CpuAccount start() {
    return new CpuAccount();
  }

  /**
   * CPU time this run used since {@link #start}, in milliseconds of one core, or negative if
   * unknown. Unlike a latency, it hardly depends on how many other processes share the machine.
   */
  double ownMillis() {
    OptionalLong own = ownTicks();
    if (own.isEmpty() || ownStart.isEmpty()) {
      return -1;
    }
    return (own.getAsLong() - ownStart.getAsLong()) * 1000.0 / TICKS_PER_SECOND;
  }

  /**
   * The part of {@link #ownMillis} this JVM's JIT compiler threads used since {@link #start}, in
   * milliseconds of one core, or negative if unknown. A lower bound: a compiler thread that the JVM
   * retired meanwhile takes its time with it.
   */
  double compilerMillis() {
    OptionalLong compiler = compilerTicks();
    if (compiler.isEmpty() || compilerStart.isEmpty()) {
      return -1;
    }
    return Math.max(0, compiler.getAsLong() - compilerStart.getAsLong())
        * 1000.0
        / TICKS_PER_SECOND;
  }

  /**
   * What others used of the machine's CPU capacity since {@link #start}, both shares from one
   * reading of the machine's ticks, so that steal is part of the same interval. Call it before the
   * run's own processes stop.
   */
  OthersShares othersShares() {
    Optional<MachineTicks> machine = MachineTicks.now();
    if (machine.isEmpty() || machineStart.isEmpty()) {
      return new OthersShares(-1, -1);
    }
    MachineTicks spent = machine.get().minus(machineStart.get());
    if (spent.total() <= 0) {
      return new OthersShares(-1, -1);
    }
    double steal = (double) spent.steal() / spent.total();
    OptionalLong own = ownTicks();
    if (own.isEmpty() || ownStart.isEmpty()) {
      return new OthersShares(-1, steal);
    }
    long others = spent.busy() - (own.getAsLong() - ownStart.getAsLong());
    return new OthersShares(Math.max(0, (double) others / spent.total()), steal);
  }

  /**
   * Shares of the machine's CPU capacity, 0..1, each negative if unknown.
   *
   * @param all what processes other than the run's used, steal included
   * @param steal what the hypervisor gave to other virtual machines (steal time): part of {@code
   *     all}, and on a shared host a run can be slowed by neighbours that no process list shows
   */
  record OthersShares(double all, double steal) {}

  /**
   * Ticks of all CPUs, from one read of the first line of {@code /proc/stat}: busy (all but idle
   * and iowait, steal included), steal, and total.
   */
  private record MachineTicks(long busy, long steal, long total) {

    static Optional<MachineTicks> now() {
      return read(PROC.resolve("stat"))
          .map(
              stat -> {
                long[] ticks =
                    Arrays.stream(stat.lines().findFirst().orElseThrow().trim().split("\\s+"), 1, 9)
                        .mapToLong(Long::parseLong)
                        .toArray();
                long total = Arrays.stream(ticks).sum();
                return new MachineTicks(total - ticks[IDLE] - ticks[IOWAIT], ticks[STEAL], total);
              });
    }

    MachineTicks minus(MachineTicks earlier) {
      return new MachineTicks(busy - earlier.busy, steal - earlier.steal, total - earlier.total);
    }
  }

  /** User and system ticks of this JVM and its descendants, with their reaped children. */
  private static OptionalLong ownTicks() {
    ProcessHandle self = ProcessHandle.current();
    OptionalLong jvm = processTicks(self.pid());
    if (jvm.isEmpty()) {
      return jvm;
    }
    long descendants =
        self.descendants().mapToLong(process -> processTicks(process.pid()).orElse(0)).sum();
    return OptionalLong.of(jvm.getAsLong() + descendants);
  }

  private static OptionalLong processTicks(long pid) {
    return read(PROC.resolve(Long.toString(pid)).resolve("stat"))
        .map(stat -> OptionalLong.of(ticks(stat, CSTIME)))
        .orElse(OptionalLong.empty());
  }

  /** User and system ticks of this JVM's JIT compiler threads. */
  private static OptionalLong compilerTicks() {
    try (Stream<Path> threads = Files.list(PROC.resolve("self").resolve("task"))) {
      return OptionalLong.of(
          threads
              .map(thread -> read(thread.resolve("stat")).orElse(""))
              .filter(stat -> stat.contains(COMPILER_THREAD))
              .mapToLong(stat -> ticks(stat, STIME))
              .sum());
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** The sum of a {@code stat} line's times from utime to {@code last} (stime or cstime). */
  private static long ticks(String stat, int last) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Arrays.stream(fields, UTIME, last + 1).mapToLong(Long::parseLong).sum();
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
