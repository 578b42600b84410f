package com.infrafabric.platform.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The CPU time this process has used, in seconds: {@code process_cpu_seconds_total}, the name
 * Prometheus's own clients give it, so the usual {@code rate(process_cpu_seconds_total[5m])} works.
 * Absent where the JVM does not tell the process's CPU time.
 */
final class ProcessCpuTime implements MeterBinder {

  private static final double NANOS_PER_SECOND = 1e9;

  @Override
  public void bindTo(MeterRegistry registry) {
    OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
    if (system instanceof com.sun.management.OperatingSystemMXBean process
        && process.getProcessCpuTime() >= 0) {
      FunctionCounter.builder(
              "process.cpu", process, bean -> bean.getProcessCpuTime() / NANOS_PER_SECOND)
          .description("The CPU time used by this process")
          .baseUnit("seconds")
          .register(registry);
    }
  }
}
