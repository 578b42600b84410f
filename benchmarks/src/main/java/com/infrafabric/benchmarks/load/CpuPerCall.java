package com.infrafabric.benchmarks.load;

import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * What one call cost in CPU, in milliseconds of one core: all the CPU of the run's processes (this
 * JVM with the service and the client in it, and its children such as redis-server, see {@link
 * CpuAccount}) while calls ran one at a time, divided by the calls. A latency taken on a machine
 * other processes crowd says mostly how crowded it was; CPU per call hardly changes with that, so
 * it is the figure to compare across runs on a shared machine.
 *
 * @param calls how many calls were measured
 * @param millis all the CPU of the run's processes, per call
 * @param compilerMillis the part of it the JIT compilers took: still compiling the path, a run that
 *     has not warmed up long enough pays it on top of what a warm node spends per call
 * @param allocatedBytes the heap this JVM's threads allocated, per call (negative if the JVM cannot
 *     tell): exact, and as indifferent to a crowded machine as CPU per call
 * @param switches context switches per call ({@link ContextSwitches}): the voluntary ones count the
 *     thread wake-ups a call needs, hand-offs between threads included
 */
record CpuPerCall(
    long calls,
    double millis,
    double compilerMillis,
    double allocatedBytes,
    ContextSwitches.PerCall switches) {

  /**
   * Makes {@code operation} one at a time for {@code warmup} (not counted) then for {@code
   * measure}; negative figures if {@code /proc} cannot be read. Blocks the calling thread, which
   * must not be an event loop.
   *
   * @throws IllegalStateException if a measured call failed or none completed
   */
  static CpuPerCall measure(
      LoadClient client, Operation operation, Duration warmup, Duration measure) {
    return measure(client, operation, 1, warmup, measure);
  }

  /**
   * As {@link #measure(LoadClient, Operation, Duration, Duration)}, with {@code concurrency} calls
   * in flight at once (closed loop).
   */
  static CpuPerCall measure(
      LoadClient client, Operation operation, int concurrency, Duration warmup, Duration measure) {
    ClosedLoop loop = new ClosedLoop(client.context(), operation);
    loop.run("cpu-warmup", concurrency, Duration.ZERO, warmup);
    long generator = client.call(() -> Future.succeededFuture(ContextSwitches.currentThreadTid()));
    long allocatedBefore = heapAllocated();
    ContextSwitches switchesBefore = ContextSwitches.now();
    CpuAccount cpu = CpuAccount.start();
    PhaseResult measured = loop.run("cpu", concurrency, Duration.ZERO, measure);
    long allocated = heapAllocated() - allocatedBefore;
    ContextSwitches switchesAfter = ContextSwitches.now();
    if (measured.failed() > 0 || measured.completed() == 0) {
      throw new IllegalStateException("the CPU phase failed: " + measured.firstFailure());
    }
    long calls = measured.completed();
    return new CpuPerCall(
        calls,
        cpu.ownMillis() / calls,
        cpu.compilerMillis() / calls,
        allocatedBefore < 0 ? -1 : (double) allocated / calls,
        switchesAfter.perCallSince(switchesBefore, calls, generator, "generator loop"));
  }

  /**
   * The figures in words: {@code 0.673 ms of CPU (JIT 0.014 ms), 142.3 KB allocated, 12.0 voluntary
   * + ...}.
   */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%.3f ms of CPU (JIT %.3f ms), %.1f KB allocated, %s",
        millis,
        compilerMillis,
        allocatedBytes / 1000,
        switches.describe());
  }

  /** Bytes all of this JVM's threads allocated so far, or -1 if the JVM cannot tell. */
  private static long heapAllocated() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported()
        && threads.isThreadAllocatedMemoryEnabled()) {
      return threads.getTotalThreadAllocatedBytes();
    }
    return -1;
  }
}
