package com.infrafabric.chassis.internal.sandbox;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads guests run on: a fixed pool whose threads are created with an explicit stack size, so
 * guest call depth is bounded by the operator, and unbounded recursion ends in Chicory's "call
 * stack exhausted" trap on that thread. The queue is unbounded here because {@link Admission}
 * bounds it. An idle thread spins on the queue for up to the operator's spin before it parks (see
 * {@link SpinningQueue}), so invocations that follow each other closely skip a thread wake-up.
 */
public final class GuestThreads {

  private GuestThreads() {}

  /**
   * @param spin how long an idle thread polls for work before it parks; zero parks at once
   */
  public static ThreadPoolExecutor create(int threads, long stackBytes, Duration spin) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread =
              new Thread(null, task, "chassis-guest-" + count.incrementAndGet(), stackBytes);
          thread.setDaemon(true);
          return thread;
        };
    return new ThreadPoolExecutor(
        threads, threads, 0, TimeUnit.MILLISECONDS, new SpinningQueue(spin.toNanos()), factory);
  }
}
