package com.infrafabric.platform.testing;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Steady load spread over many tenants, for failover tests: worker threads call one operation per
 * tenant in turn, each recording when it started, when it ended and how it failed, until {@link
 * #stop()}. The samples then say, per group of tenants (those of the killed master, the others),
 * whether they saw errors, their latency percentiles and when the last failure ended.
 */
public final class TenantLoad {

  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch done;

  private TenantLoad(int workers) {
    this.done = new CountDownLatch(workers);
  }

  /** One call for one tenant; throws on failure. */
  @FunctionalInterface
  public interface Operation {
    void call(String tenant) throws Exception;
  }

  /** Starts {@code workers} threads that call {@code operation} on {@code tenants} round-robin. */
  public static TenantLoad start(List<String> tenants, int workers, Operation operation) {
    TenantLoad load = new TenantLoad(workers);
    for (int w = 0; w < workers; w++) {
      int first = w;
      new Thread(
              () -> {
                try {
                  for (int i = first; load.running.get(); i += workers) {
                    load.samples.add(call(tenants.get(i % tenants.size()), operation));
                  }
                } finally {
                  load.done.countDown();
                }
              },
              "tenant-load-" + w)
          .start();
    }
    return load;
  }

  /** Stops the workers, waits for their last calls, and returns every sample. */
  public Samples stop() throws InterruptedException {
    running.set(false);
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the load's workers did not stop within 30 s");
    }
    return new Samples(List.copyOf(samples));
  }

  private static Sample call(String tenant, Operation operation) {
    long start = System.nanoTime();
    try {
      operation.call(tenant);
      return new Sample(tenant, start, System.nanoTime(), null);
    } catch (Exception e) {
      return new Sample(tenant, start, System.nanoTime(), e);
    }
  }

  /**
   * One call.
   *
   * @param tenant whom it was for
   * @param startNanos {@link System#nanoTime()} when it started
   * @param endNanos when it ended
   * @param error how it failed, or null
   */
  public record Sample(String tenant, long startNanos, long endNanos, Exception error) {
    long nanos() {
      return endNanos - startNanos;
    }
  }

  /** What a load recorded. */
  public record Samples(List<Sample> all) {

    /** The samples of the tenants {@code tenants} accepts. */
    public Samples of(Predicate<String> tenants) {
      return new Samples(all.stream().filter(s -> tenants.test(s.tenant())).toList());
    }

    /** The samples that started at or after {@code nanos}. */
    public Samples since(long nanos) {
      return new Samples(all.stream().filter(s -> s.startNanos() >= nanos).toList());
    }

    /** The samples that started before {@code nanos}. */
    public Samples before(long nanos) {
      return new Samples(all.stream().filter(s -> s.startNanos() < nanos).toList());
    }

    /**
     * Asserts that this part of the load (during a failover) was not slower at its 99th percentile
     * than {@code factor} times {@code baseline}'s (the same tenants before it) plus {@code slack}:
     * a ratio within one run, which a busy machine slows alike, rather than an absolute time.
     */
    public void assertP99WithinOf(Samples baseline, double factor, long slackNanos) {
      long p99 = percentileNanos(0.99);
      long before = baseline.percentileNanos(0.99);
      if (p99 > factor * before + slackNanos) {
        throw new AssertionError(
            String.format(
                "p99 %.2f ms during the failover against %.2f ms before it (load %s)",
                p99 / 1e6, before / 1e6, loadAverage()));
      }
    }

    public List<Exception> errors() {
      return all.stream().map(Sample::error).filter(e -> e != null).toList();
    }

    /** The latency below which {@code quantile} of the samples lie, in nanoseconds. */
    public long percentileNanos(double quantile) {
      long[] sorted = all.stream().mapToLong(Sample::nanos).sorted().toArray();
      if (sorted.length == 0) {
        throw new AssertionError("no samples");
      }
      return sorted[(int) Math.max(0, Math.ceil(quantile * sorted.length) - 1)];
    }

    /** When the last failed call ended, or {@code otherwise} if none failed. */
    public long lastFailureNanos(long otherwise) {
      return all.stream()
          .filter(s -> s.error() != null)
          .mapToLong(Sample::endNanos)
          .max()
          .orElse(otherwise);
    }

    public int size() {
      return all.size();
    }
  }

  /** The one-minute load average, to print beside any latency a test reports. */
  public static String loadAverage() {
    return String.format(
        "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
