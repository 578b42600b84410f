package com.infrafabric.chassis.internal.sandbox;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.llm.Cancellation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Hands admitted invocations to the guest threads fairly between tenants. A tenant runs at most
 * {@code perTenant} guests at once; what it sends beyond waits in its own line, and a thread that
 * comes free takes the oldest waiting invocation of the tenant below its share that runs the fewest
 * guests, and of those the one served longest ago (a tenant new to the node first). So one tenant's
 * long-running guests cannot hold every thread while another tenant waits. What waits past its
 * deadline is answered then, by the watchdog's clock, not when a thread frees up, and never runs;
 * so is what its caller cancels while it waits, at once. The executor is handed at most one task
 * per thread, so nothing queues there. Thread-safe.
 */
final class FairDispatch {

  private final Executor threads;
  private final int threadCount;
  private final int perTenant;
  private final Watchdog watchdog;

  /** The invocations waiting, each tenant's in its own line, oldest first. */
  private final Map<String, ArrayDeque<Waiting>> lines = new HashMap<>();

  private final Map<String, Integer> running = new HashMap<>();

  /** When each tenant with work here was last served, by {@link #served}'s count. */
  private final Map<String, Long> lastServed = new HashMap<>();

  private long served;
  private int busy;

  /** One invocation waiting for a thread. */
  private static final class Waiting {
    private final String tenant;
    private final Runnable run;
    private final Consumer<Outcome> dropped;
    private Future<?> deadline;

    Waiting(String tenant, Runnable run, Consumer<Outcome> dropped) {
      this.tenant = tenant;
      this.run = run;
      this.dropped = dropped;
    }
  }

  /**
   * @param threads the guest threads, {@code threadCount} of them
   * @param perTenant how many guests one tenant may run at once, at least one
   * @param watchdog whose clock answers invocations that wait past their deadline
   */
  FairDispatch(Executor threads, int threadCount, int perTenant, Watchdog watchdog) {
    this.threads = threads;
    this.threadCount = threadCount;
    this.perTenant = Math.max(1, perTenant);
    this.watchdog = watchdog;
  }

  /**
   * Runs {@code run} on a guest thread in {@code tenant}'s turn, or {@code dropped} if it is still
   * waiting when {@code deadline} passes ({@link Outcome#TIMEOUT}, on the watchdog's thread) or
   * {@code cancellation} is cancelled ({@link Outcome#CANCELLED}, on the canceller's thread);
   * exactly one of them runs. Once {@code run} started, cancelling it is its own business.
   */
  void submit(
      String tenant,
      Instant deadline,
      Cancellation cancellation,
      Runnable run,
      Consumer<Outcome> dropped) {
    Waiting entry = new Waiting(tenant, run, dropped);
    // Set before the entry can start: once it has, the runner's own abort action takes over.
    cancellation.onCancel(() -> drop(entry, Outcome.CANCELLED));
    boolean cancelled;
    boolean startNow = false;
    synchronized (this) {
      cancelled = cancellation.cancelled();
      if (!cancelled) {
        // A thread is free and nobody waits: no line, and no deadline timer to set and cancel.
        startNow =
            lines.isEmpty() && busy < threadCount && running.getOrDefault(tenant, 0) < perTenant;
        if (startNow) {
          lastServed.put(tenant, ++served);
          starting(entry);
        } else {
          lines.computeIfAbsent(tenant, t -> new ArrayDeque<>()).addLast(entry);
          entry.deadline = watchdog.at(deadline, () -> drop(entry, Outcome.TIMEOUT));
        }
      }
    }
    if (cancelled) {
      dropped.accept(Outcome.CANCELLED); // before it could wait: the abort action found no entry
    } else if (startNow) {
      start(entry);
    } else {
      dispatch();
    }
  }

  /** Invocations admitted and waiting for a thread (a line per tenant with any waiting). */
  synchronized int waiting() {
    return lines.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  private void dispatch() {
    while (true) {
      Waiting next;
      synchronized (this) {
        next = busy < threadCount ? takeNext() : null;
        if (next == null) {
          return;
        }
        next.deadline.cancel(false);
        starting(next);
      }
      start(next);
    }
  }

  /** Counts {@code entry} as running; under the lock, before {@link #start}. */
  private void starting(Waiting entry) {
    busy++;
    running.merge(entry.tenant, 1, Integer::sum);
  }

  private void start(Waiting entry) {
    threads.execute(
        () -> {
          try {
            entry.run.run();
          } finally {
            finished(entry.tenant);
          }
        });
  }

  /**
   * The oldest waiting invocation of the tenant below its share that runs the fewest guests, of
   * those the one served longest ago; null if no tenant below its share has one waiting.
   */
  private Waiting takeNext() {
    String next = null;
    for (String tenant : lines.keySet()) {
      if (running.getOrDefault(tenant, 0) < perTenant
          && (next == null || servedBefore(tenant, next))) {
        next = tenant;
      }
    }
    if (next == null) {
      return null;
    }
    ArrayDeque<Waiting> line = lines.get(next);
    Waiting taken = line.pollFirst();
    if (line.isEmpty()) {
      lines.remove(next);
    }
    lastServed.put(next, ++served);
    return taken;
  }

  /** Whether {@code a} comes before {@code b}: fewer guests running, then served longer ago. */
  private boolean servedBefore(String a, String b) {
    int runningA = running.getOrDefault(a, 0);
    int runningB = running.getOrDefault(b, 0);
    if (runningA != runningB) {
      return runningA < runningB;
    }
    return lastServed.getOrDefault(a, -1L) < lastServed.getOrDefault(b, -1L);
  }

  private void finished(String tenant) {
    synchronized (this) {
      busy--;
      running.merge(tenant, -1, (was, minus) -> was + minus == 0 ? null : was + minus);
      if (!running.containsKey(tenant) && !lines.containsKey(tenant)) {
        lastServed.remove(tenant);
      }
    }
    dispatch();
  }

  /** Takes {@code entry} out of its line, if it still waits there, and tells it why. */
  private void drop(Waiting entry, Outcome why) {
    synchronized (this) {
      ArrayDeque<Waiting> line = lines.get(entry.tenant);
      if (line == null || !line.remove(entry)) {
        return;
      }
      if (line.isEmpty()) {
        lines.remove(entry.tenant);
        if (!running.containsKey(entry.tenant)) {
          lastServed.remove(entry.tenant);
        }
      }
    }
    entry.deadline.cancel(false);
    entry.dropped.accept(why);
  }
}
