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

  /** The eighth figure of {@code /proc/stat}'s cpu line: time the hypervisor gave other guests. */
  private static final int STEAL = 7;

  private final OptionalLong busyStart;
  private final OptionalLong totalStart;
  private final OptionalLong stealStart;
  private final OptionalLong ownStart;
  private final OptionalLong compilerStart;

  private CpuAccount() {
    this.busyStart = machineTicks(true);
    this.totalStart = machineTicks(false);
    this.stealStart = stealTicks();
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
   * The share of the machine's CPU capacity that other processes used since {@link #start}, 0..1,
   * or negative if unknown. Call it before the run's own processes stop.
   */
  double othersShare() {
    OptionalLong busy = machineTicks(true);
    OptionalLong total = machineTicks(false);
    OptionalLong own = ownTicks();
    if (busy.isEmpty() || total.isEmpty() || own.isEmpty() || busyStart.isEmpty()) {
      return -1;
    }
    long others =
        busy.getAsLong() - busyStart.getAsLong() - (own.getAsLong() - ownStart.getAsLong());
    return Math.max(0, (double) others / (total.getAsLong() - totalStart.getAsLong()));
  }

  /**
   * The share of the machine's CPU capacity that the hypervisor gave to other virtual machines
   * since {@link #start} (steal time), 0..1, or negative if unknown. It is part of {@link
   * #othersShare}: on a shared host a run can be slowed by neighbours that no process list shows.
   */
  double stealShare() {
    OptionalLong steal = stealTicks();
    OptionalLong total = machineTicks(false);
    if (steal.isEmpty() || total.isEmpty() || stealStart.isEmpty() || totalStart.isEmpty()) {
      return -1;
    }
    return (double) (steal.getAsLong() - stealStart.getAsLong())
        / (total.getAsLong() - totalStart.getAsLong());
  }

  /**
   * Ticks of all CPUs from the first line of {@code /proc/stat}: busy (all but idle and iowait,
   * steal included) or total.
   */
  private static OptionalLong machineTicks(boolean busy) {
    return cpuLine()
        .map(
            ticks -> {
              long total = Arrays.stream(ticks).sum();
              return OptionalLong.of(busy ? total - ticks[3] - ticks[4] : total);
            })
        .orElse(OptionalLong.empty());
  }

  private static OptionalLong stealTicks() {
    return cpuLine().map(ticks -> OptionalLong.of(ticks[STEAL])).orElse(OptionalLong.empty());
  }

  /** The first eight figures of {@code /proc/stat}'s cpu line: user to steal. */
  private static Optional<long[]> cpuLine() {
    return read(PROC.resolve("stat"))
        .map(
            stat ->
                Arrays.stream(stat.lines().findFirst().orElseThrow().trim().split("\\s+"), 1, 9)
                    .mapToLong(Long::parseLong)
                    .toArray());
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
