package com.infrafabric.benchmarks.load;

import io.vertx.core.Context;
import java.time.Duration;

/**
 * What one operation costs in CPU, made one at a time (closed loop, one in flight: no queue forms)
 * after a warm-up: all the CPU this JVM and the processes it started (the service, its
 * redis-server, the load client, a fake provider) used in the measuring time, divided by the
 * operations completed. A latency taken on a machine other processes crowd says mostly how crowded
 * it was; CPU per operation hardly changes with that, so it is the figure to compare across runs on
 * a shared machine.
 *
 * @param millis all the CPU of the run's processes per operation, in milliseconds of one core;
 *     negative if {@code /proc} cannot be read
 * @param compilerMillis the part of it the JIT compilers took: a path they are still compiling pays
 *     it on top of what a warm node spends per operation, so a run that has not warmed up long
 *     enough shows it here
 */
record CpuPerCall(double millis, double compilerMillis) {

  /**
   * Runs {@code operation} from {@code context} one at a time, unmeasured for {@code warmup}, then
   * for {@code measure} with the CPU counted; throws if any operation failed. Blocks the calling
   * thread, which must not be an event loop.
   */
  static CpuPerCall measure(
      Context context, Operation operation, Duration warmup, Duration measure) {
    ClosedLoop loop = new ClosedLoop(context, operation);
    loop.run("cpu-warmup", 1, Duration.ZERO, warmup);
    CpuAccount cpu = CpuAccount.start();
    PhaseResult measured = loop.run("cpu", 1, Duration.ZERO, measure);
    if (measured.failed() > 0 || measured.completed() == 0) {
      throw new IllegalStateException("the CPU phase failed: " + measured.firstFailure());
    }
    return new CpuPerCall(
        cpu.ownMillis() / measured.completed(), cpu.compilerMillis() / measured.completed());
  }
}
