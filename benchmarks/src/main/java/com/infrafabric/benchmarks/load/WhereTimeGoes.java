package com.infrafabric.benchmarks.load;

import com.infrafabric.platform.metrics.ServiceMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Where one phase's time went, read around it: the service's own timers ({@code
 * http.server.requests} by route and status, from its routing to the end of its response, and the
 * Redis client's {@code redis.commands}, from sending a command to its answer), and the CPU of this
 * JVM's threads by role next to redis-server's. What a client measures beyond the server's time was
 * spent before the router saw the request (the client's own loop, the sockets, the service's
 * event-loop queue) or after the response left it; a CPU share near one core for the load
 * generator's loop says the generator, not the service, queues requests.
 *
 * <p>Thread roles are told by name, except the load generator's event loop, whose thread is given:
 * both Vert.x instances name their loops alike. Only Java threads are counted: the JIT compilers'
 * and the garbage collector's CPU is in none of the shares. Both are given apart: the time the JIT
 * compilers spent compiling in the phase (code still being compiled takes a core from the service
 * on a small machine), and the collector's stop-the-world pauses, as a count and their sum (every
 * request in flight during one waits it out), so a phase's p99 cannot be read without them.
 */
final class WhereTimeGoes {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * Cumulative upper bounds the report gives shares under, in milliseconds: the service's own
   * histogram buckets up to the 10 ms promise, so each share is read off a bucket, never guessed.
   */
  private static final List<Double> BOUNDS_MILLIS =
      Arrays.stream(ServiceMeters.LATENCY_BUCKETS)
          .filter(bound -> bound.compareTo(Duration.ofMillis(10)) <= 0)
          .map(bound -> bound.toNanos() / 1e6)
          .toList();

  private final List<MeterRegistry> registries;
  private final long generatorThread;
  private final LongSupplier redisCpuMicros;

  WhereTimeGoes(List<MeterRegistry> registries, long generatorThread, LongSupplier redisCpuMicros) {
    this.registries = List.copyOf(registries);
    this.generatorThread = generatorThread;
    this.redisCpuMicros = redisCpuMicros;
  }

  /** The counters now; {@link Reading#since} reports what happened after. */
  Reading read() {
    Map<String, HistogramSnapshot> timers = new TreeMap<>();
    for (MeterRegistry registry : registries) {
      for (Timer timer : registry.find("http.server.requests").timers()) {
        timers.put(
            "http "
                + timer.getId().getTag("method")
                + " "
                + timer.getId().getTag("route")
                + " "
                + timer.getId().getTag("status"),
            timer.takeSnapshot());
      }
      for (Timer timer : registry.find("redis.commands").timers()) {
        timers.put(
            "redis " + timer.getId().getTag("command") + " " + timer.getId().getTag("outcome"),
            timer.takeSnapshot());
      }
    }
    return new Reading(
        System.nanoTime(),
        timers,
        threadCpu(),
        redisCpuMicros.getAsLong(),
        admissionLimit(),
        Pauses.now(),
        ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
  }

  /** The service's admission limit now, or -1 if it has none. */
  private double admissionLimit() {
    return registries.stream()
        .map(registry -> registry.find("http.server.admission.limit").gauge())
        .filter(gauge -> gauge != null)
        .mapToDouble(gauge -> gauge.value())
        .findFirst()
        .orElse(-1);
  }

  private Map<String, Long> threadCpu() {
    Map<String, Long> byRole = new LinkedHashMap<>();
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null) {
        long nanos = THREADS.getThreadCpuTime(info.getThreadId());
        byRole.merge(role(info), Math.max(0, nanos), Long::sum);
      }
    }
    return byRole;
  }

  private String role(ThreadInfo info) {
    String name = info.getThreadName();
    if (info.getThreadId() == generatorThread) {
      return "generator loop";
    }
    if (name.startsWith("open-loop-scheduler")) {
      return "generator scheduler";
    }
    if (name.startsWith("vert.x-worker")) {
      return "service workers";
    }
    return name.startsWith("vert.x-eventloop") ? "service loops" : "other jvm";
  }

  /**
   * The collector's stop-the-world pauses so far: their count and summed time, over the collectors
   * that pause (G1's young and old generations, ZGC's pauses), not those that run beside the
   * application (G1's concurrent cycles, ZGC's cycles).
   */
  record Pauses(long count, long millis) {

    static Pauses now() {
      long count = 0;
      long millis = 0;
      for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        String name = collector.getName();
        if (!name.contains("Concurrent") && !name.contains("Cycles")) {
          count += Math.max(0, collector.getCollectionCount());
          millis += Math.max(0, collector.getCollectionTime());
        }
      }
      return new Pauses(count, millis);
    }
  }

  /** The counters at one moment. */
  record Reading(
      long nanos,
      Map<String, HistogramSnapshot> timers,
      Map<String, Long> cpu,
      long redisMicros,
      double admissionLimit,
      Pauses pauses,
      long compilingMillis) {

    /** What happened from {@code before} to this reading, a few lines of text. */
    String since(Reading before) {
      double wallMillis = (nanos - before.nanos) / 1e6;
      String cpuShares =
          cpu.entrySet().stream()
              .map(
                  e ->
                      String.format(
                          Locale.ROOT,
                          "%s %.0f%%",
                          e.getKey(),
                          100
                              * (e.getValue() - before.cpu.getOrDefault(e.getKey(), 0L))
                              / 1e6
                              / wallMillis))
              .collect(Collectors.joining(", "));
      StringBuilder text =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "  cpu of one core: %s, redis-server %.0f%%; admission limit %.0f at the end;"
                      + " JIT compiling %d ms; collector pauses %d, %d ms in all%n",
                  cpuShares,
                  100 * (redisMicros - before.redisMicros) / 1e3 / wallMillis,
                  admissionLimit,
                  compilingMillis - before.compilingMillis,
                  pauses.count - before.pauses.count,
                  pauses.millis - before.pauses.millis));
      timers.forEach((name, after) -> timer(text, name, before.timers.get(name), after));
      return text.toString();
    }

    private static void timer(
        StringBuilder text, String name, HistogramSnapshot before, HistogramSnapshot after) {
      long count = after.count() - (before == null ? 0 : before.count());
      if (count == 0) {
        return;
      }
      double totalMillis =
          after.total(TimeUnit.MILLISECONDS)
              - (before == null ? 0 : before.total(TimeUnit.MILLISECONDS));
      text.append(
          String.format(Locale.ROOT, "  %s: %d, mean %.3f ms", name, count, totalMillis / count));
      for (double bound : BOUNDS_MILLIS) {
        long under = under(after, bound) - (before == null ? 0 : under(before, bound));
        if (under >= 0 && after.histogramCounts().length > 0) {
          text.append(
              String.format(Locale.ROOT, ", <=%.0fms %.1f%%", bound, 100.0 * under / count));
        }
      }
      text.append('\n');
    }

    private static long under(HistogramSnapshot snapshot, double boundMillis) {
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        if (Math.abs(bucket.bucket(TimeUnit.MILLISECONDS) - boundMillis) < 1e-9) {
          return (long) bucket.count();
        }
      }
      return 0;
    }
  }
}
