package com.infrafabric.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The meter registry of one service, shaped for Prometheus: every timer is a histogram with the
 * same {@link #LATENCY_BUCKETS} (seconds in the scrape), chosen around the 10 ms promise, instead
 * of Micrometer's 69 percentile buckets per series, so a scrape stays small and any latency can be
 * compared with the promise as {@code le="0.01"}; and the JVM and the process are described
 * (memory, threads, classes, CPU, uptime, file descriptors).
 */
public final class ServiceMeters {

  /**
   * The histogram buckets of every timer: fine around 10 ms, coarse towards the 10 s that no
   * request may take.
   */
  public static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(10)
  };

  private ServiceMeters() {}

  /** A registry with the latency buckets and the JVM and process meters. */
  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(latencyBuckets()).meterFilter(prometheusNames());
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new ProcessCpuTime().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
    return meters;
  }

  /**
   * Adds garbage-collection pauses and allocation, which listen to the JVM until closed: bound once
   * per process by the launcher, not by every service a test starts.
   */
  public static AutoCloseable bindGarbageCollection(PrometheusMeterRegistry meters) {
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(meters);
    return gc;
  }

  /**
   * Micrometer's processor binder names two meters as Prometheus's linter ({@code promtool check
   * metrics}) refuses: the process's CPU time in nanoseconds ({@code process_cpu_time_ns_total},
   * where every duration here is in seconds) and the processor count with a {@code _count} suffix,
   * which Prometheus keeps for histograms and summaries. The first is dropped for the standard
   * {@code process_cpu_seconds_total} ({@link ProcessCpuTime}), the second renamed.
   */
  private static MeterFilter prometheusNames() {
    return new MeterFilter() {
      @Override
      public MeterFilterReply accept(Meter.Id id) {
        return id.getName().equals("process.cpu.time")
            ? MeterFilterReply.DENY
            : MeterFilterReply.NEUTRAL;
      }

      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
      }
    };
  }

  private static MeterFilter latencyBuckets() {
    double[] slos = new double[LATENCY_BUCKETS.length];
    for (int i = 0; i < slos.length; i++) {
      slos[i] = LATENCY_BUCKETS[i].toNanos();
    }
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(slos)
            .build()
            .merge(config);
      }
    };
  }
}
