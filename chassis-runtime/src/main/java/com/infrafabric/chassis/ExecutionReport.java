package com.infrafabric.chassis;

import java.time.Duration;

/**
 * What one invocation used. All zero when the guest never ran.
 *
 * @param ran whether any guest code ran: false when the invocation was turned away before (refused,
 *     or still queued at its deadline), so anything spent to admit it, such as a use of its grant,
 *     was spent for nothing and is given back
 * @param duration wall-clock time from admission to completion
 * @param cpuTime CPU time of the guest thread while running the guest
 * @param peakMemoryPages largest linear memory size, in 64 KiB pages
 * @param hostCalls calls into the host, WASI included
 * @param bytesIn input bytes
 * @param bytesOut output bytes
 */
public record ExecutionReport(
    boolean ran,
    Duration duration,
    Duration cpuTime,
    int peakMemoryPages,
    int hostCalls,
    long bytesIn,
    long bytesOut) {

  /** The report of an invocation that was turned away before any guest code ran. */
  public static ExecutionReport notRun(Duration duration, long bytesIn) {
    return new ExecutionReport(false, duration, Duration.ZERO, 0, 0, bytesIn, 0);
  }
}
