package com.infrafabric.chassis;

import com.infrafabric.platform.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The chassis meters. Invocations by tool and outcome with duration and CPU histograms and peak
 * memory; admission depth, reserved memory and rejections; denied capability attempts (a security
 * signal: a tool probing imports or destinations it was not granted); compiled modules held.
 */
final class ChassisMetrics {

  private final MeterRegistry meters;
  private final Counter rejected;
  private final MeterCache<ToolOutcome, Counter> invocations;
  private final MeterCache<ToolOutcome, Timer> durations;
  private final MeterCache<String, Timer> cpuTimes;
  private final MeterCache<String, DistributionSummary> peakMemory;

  /**
   * The {@code tool} tag of an invocation of no registered tool (unknown, or refused before it was
   * looked up), so that the tag values are bounded by the registered tools.
   */
  static final String UNREGISTERED_TOOL = "(unregistered)";

  /** The tags of the per-outcome meters: bounded by the registered tools times the outcomes. */
  private record ToolOutcome(String tool, Outcome outcome) {}

  /** A WebAssembly page. */
  private static final long PAGE_BYTES = 65_536;

  /**
   * The gauges read the admission queue and the compiled-module cache through suppliers, so the
   * meters know nothing of the internals that hold them.
   */
  ChassisMetrics(
      MeterRegistry meters,
      Supplier<Number> admitted,
      Supplier<Number> queued,
      Supplier<Number> reservedMemory,
      Supplier<Number> compiledModules,
      Supplier<Number> compiledModuleBytes) {
    this.meters = meters;
    this.rejected =
        Counter.builder("chassis.admission.rejected")
            .description("Invocations refused for lack of guest threads or memory (429)")
            .register(meters);
    this.invocations = new MeterCache<>(this::invocationCounter);
    this.durations = new MeterCache<>(this::durationTimer);
    this.cpuTimes = new MeterCache<>(this::cpuTimer);
    this.peakMemory = new MeterCache<>(this::peakMemorySummary);
    Gauge.builder("chassis.admission.admitted", admitted)
        .description("Invocations running or queued")
        .register(meters);
    Gauge.builder("chassis.admission.queued", queued)
        .description("Invocations waiting for a guest thread")
        .register(meters);
    Gauge.builder("chassis.admission.memory.reserved", reservedMemory)
        .description(
            "Host memory reserved by admitted invocations (guest memory and what the host holds)")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder("chassis.modules.compiled", compiledModules)
        .description("Compiled modules held in memory")
        .register(meters);
    Gauge.builder("chassis.modules.compiled.memory", compiledModuleBytes)
        .description(
            "Heap the compiled modules held keep, as estimated from their parsed instructions;"
                + " at most chassis.module.compiledCacheBytes")
        .baseUnit("bytes")
        .register(meters);
  }

  /**
   * Counts one finished invocation of {@code registered} (empty when it named no registered tool);
   * every meter is registered once per tool and outcome.
   */
  void invocation(Optional<ToolRef> registered, InvocationResult result) {
    String tool = registered.map(ToolRef::toString).orElse(UNREGISTERED_TOOL);
    ToolOutcome key = new ToolOutcome(tool, result.outcome());
    ExecutionReport report = result.report();
    invocations.get(key).increment();
    durations.get(key).record(report.duration());
    if (result.outcome() == Outcome.REJECTED_OVERLOAD) {
      rejected.increment();
      return;
    }
    cpuTimes.get(tool).record(report.cpuTime());
    peakMemory.get(tool).record((double) report.peakMemoryPages() * PAGE_BYTES);
  }

  private Counter invocationCounter(ToolOutcome key) {
    return Counter.builder("chassis.invocations")
        .description("Invocations by tool and outcome")
        .tag("tool", key.tool())
        .tag("outcome", key.outcome().name())
        .register(meters);
  }

  private Timer durationTimer(ToolOutcome key) {
    return Timer.builder("chassis.invocation.duration")
        .description("Wall time of an invocation, admission to answer")
        .tag("tool", key.tool())
        .tag("outcome", key.outcome().name())
        .register(meters);
  }

  private Timer cpuTimer(String tool) {
    return Timer.builder("chassis.invocation.cpu")
        .description("CPU time of the guest thread")
        .tag("tool", tool)
        .register(meters);
  }

  private DistributionSummary peakMemorySummary(String tool) {
    return DistributionSummary.builder("chassis.invocation.memory.peak")
        .description("Peak guest linear memory of an invocation")
        .baseUnit("bytes")
        .tag("tool", tool)
        .register(meters);
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
