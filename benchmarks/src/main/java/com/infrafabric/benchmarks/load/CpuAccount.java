package com.infrafabric.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * CPU time spent on this machine while a run lasts, split between the run itself (this JVM and the
 * processes it started, such as redis-server) and everything else, so that a reader can tell a
 * quiet machine from a shared one. The machine's busy share comes from {@code /proc/stat}, hence
 * Linux only; elsewhere the split is unknown.
 */
final class CpuAccount {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  private final Optional<long[]> machineStart;
  private final Duration ownStart;
  private final long wallStart;

  private CpuAccount() {
    this.machineStart = machineTicks();
    this.ownStart = ownCpu();
    this.wallStart = System.nanoTime();
  }

  /** Starts counting now; start it once the run's own processes are up. */
  static CpuAccount start() {
    return new CpuAccount();
  }

  /**
   * The share of the machine's CPU capacity that other processes used since {@link #start}, 0..1,
   * or negative if unknown. Call it before the run's own processes stop.
   */
  double othersShare() {
    Optional<long[]> machineEnd = machineTicks();
    if (machineStart.isEmpty() || machineEnd.isEmpty()) {
      return -1;
    }
    long[] start = machineStart.get();
    long[] end = machineEnd.get();
    double busyFraction = (double) (end[0] - start[0]) / (end[1] - start[1]);
    double capacitySeconds =
        Runtime.getRuntime().availableProcessors() * (System.nanoTime() - wallStart) / 1e9;
    double ownSeconds = ownCpu().minus(ownStart).toNanos() / 1e9;
    return Math.max(0, busyFraction - ownSeconds / capacitySeconds);
  }

  /** Busy and total ticks of all CPUs: everything but idle and iowait is busy (steal included). */
  private static Optional<long[]> machineTicks() {
    try {
      String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
      long[] ticks = Arrays.stream(fields, 1, fields.length).mapToLong(Long::parseLong).toArray();
      long total = Arrays.stream(ticks, 0, Math.min(ticks.length, 8)).sum();
      long idle = ticks[3] + ticks[4];
      return Optional.of(new long[] {total - idle, total});
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** CPU time of this JVM and every process it started that is still running. */
  private static Duration ownCpu() {
    ProcessHandle self = ProcessHandle.current();
    return self.descendants().map(CpuAccount::cpu).reduce(cpu(self), Duration::plus);
  }

  private static Duration cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().orElse(Duration.ZERO);
  }
}
