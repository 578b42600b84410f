package com.infrafabric.chassis;

import com.infrafabric.chassis.internal.module.CompiledModules;
import com.infrafabric.chassis.internal.sandbox.Invoker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The chassis meters. Invocations by tool and outcome with duration and CPU histograms and peak
 * memory; admission depth, reserved memory and rejections; denied capability attempts (a security
 * signal: a tool probing imports or destinations it was not granted); compiled modules held.
 */
final class ChassisMetrics {

  private final MeterRegistry meters;

  /** A WebAssembly page. */
  private static final long PAGE_BYTES = 65_536;

  ChassisMetrics(MeterRegistry meters, Invoker invoker, CompiledModules compiled) {
    this.meters = meters;
    Gauge.builder("chassis.admission.admitted", invoker, Invoker::admitted)
        .description("Invocations running or queued")
        .register(meters);
    Gauge.builder("chassis.admission.queued", invoker, Invoker::queued)
        .description("Invocations waiting for a guest thread")
        .register(meters);
    Gauge.builder("chassis.admission.memory.reserved", invoker, Invoker::reservedMemory)
        .description("Guest memory reserved by admitted invocations")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("chassis.modules.compiled", compiled, CompiledModules::size)
        .description("Compiled modules held in memory")
        .register(meters);
  }

  void invocation(ToolRef tool, InvocationResult result) {
    String name = tool.toString();
    String outcome = result.outcome().name();
    Counter.builder("chassis.invocations")
        .description("Invocations by tool and outcome")
        .tag("tool", name)
        .tag("outcome", outcome)
        .register(meters)
        .increment();
    ExecutionReport report = result.report();
    Timer.builder("chassis.invocation.duration")
        .description("Wall time of an invocation, admission to answer")
        .tag("tool", name)
        .tag("outcome", outcome)
        .register(meters)
        .record(report.duration());
    if (result.outcome() == Outcome.REJECTED_OVERLOAD) {
      Counter.builder("chassis.admission.rejected")
          .description("Invocations refused for lack of guest threads or memory (429)")
          .register(meters)
          .increment();
      return;
    }
    Timer.builder("chassis.invocation.cpu")
        .description("CPU time of the guest thread")
        .tag("tool", name)
        .register(meters)
        .record(report.cpuTime());
    DistributionSummary.builder("chassis.invocation.memory.peak")
        .description("Peak guest linear memory of an invocation")
        .baseUnit("bytes")
        .tag("tool", name)
        .register(meters)
        .record((double) report.peakMemoryPages() * PAGE_BYTES);
  }

  /** One attempt to use something not granted: an import at registration, or a destination. */
  void denied(String tool, String capability, String policy) {
    Counter.builder("chassis.capability.denied")
        .description("Attempts to use a capability or destination that was not granted")
        .tag("tool", tool)
        .tag("capability", capability)
        .tag("policy", policy)
        .register(meters)
        .increment();
  }
}
