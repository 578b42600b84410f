package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Stops guests that pass their wall-clock deadline or their CPU time, or whose caller cancelled
 * them ({@link Watch#cancel}), by interrupting their thread: Chicory checks the interrupt flag on
 * calls and loop back-edges and unwinds with {@code ChicoryInterruptedException}; host functions
 * that block wait interruptibly. One daemon thread checks all running guests every interval, so the
 * precision of both limits is one interval.
 *
 * <p>Deadlines read the injected {@link Clock}; CPU time is the guest thread's own, from {@link
 * ThreadMXBean}. Thread-safe.
 */
public final class Watchdog implements AutoCloseable {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Clock clock;
  private final Set<Watch> running = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor ticker;

  public Watchdog(Clock clock, Duration interval) {
    if (!THREADS.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure thread CPU time");
    }
    this.clock = clock;
    this.ticker =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "chassis-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    // A queued invocation's deadline is cancelled when it starts: drop it then, not at its time.
    ticker.setRemoveOnCancelPolicy(true);
    long nanos = interval.toNanos();
    ticker.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Starts watching the calling thread until {@link Watch#close()}. */
  public Watch watchCurrentThread(Instant deadline, Duration cpuLimit) {
    Watch watch = new Watch(Thread.currentThread(), deadline, cpuLimit.toNanos());
    running.add(watch);
    return watch;
  }

  /**
   * Runs {@code task} on the watchdog's thread once {@code deadline} has passed by the clock (at
   * once if it has); cancel the returned future to stop it.
   */
  java.util.concurrent.Future<?> at(Instant deadline, Runnable task) {
    long nanos = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
    return ticker.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  /** CPU time the calling thread has used, in nanoseconds. */
  private static long currentThreadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  private void tick() {
    Instant now = clock.instant();
    for (Watch watch : running) {
      if (!now.isBefore(watch.deadline)) {
        watch.stop(Outcome.TIMEOUT);
      } else if (THREADS.getThreadCpuTime(watch.threadId) - watch.startCpu > watch.cpuLimit) {
        watch.stop(Outcome.CPU_LIMIT);
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }

  /** One guest run being watched. Closing it guarantees no interrupt arrives afterwards. */
  public final class Watch implements AutoCloseable {
    private final Thread thread;
    private final long threadId;
    private final Instant deadline;
    private final long cpuLimit;
    private final long startCpu;
    private Outcome stoppedBy;
    private boolean closed;

    private Watch(Thread thread, Instant deadline, long cpuLimit) {
      this.thread = thread;
      this.threadId = thread.getId();
      this.deadline = deadline;
      this.cpuLimit = cpuLimit;
      this.startCpu = currentThreadCpuNanos();
    }

    /**
     * CPU time the watched thread has used since the watch began, the reading the CPU limit is
     * checked against; call it on the watched thread.
     */
    public Duration cpuTime() {
      return Duration.ofNanos(currentThreadCpuNanos() - startCpu);
    }

    /** Why the guest was stopped, if the watchdog stopped it. */
    public synchronized Outcome stoppedBy() {
      return stoppedBy;
    }

    /** Stops the guest because its caller cancelled it; nothing once the watch is closed. */
    void cancel() {
      stop(Outcome.CANCELLED);
    }

    private synchronized void stop(Outcome reason) {
      if (!closed && stoppedBy == null) {
        stoppedBy = reason;
        thread.interrupt();
      }
    }

    /** Stops watching and clears any interrupt it delivered, so the thread can be reused. */
    @Override
    public void close() {
      running.remove(this);
      synchronized (this) {
        closed = true;
      }
      Thread.interrupted();
    }
  }
}
