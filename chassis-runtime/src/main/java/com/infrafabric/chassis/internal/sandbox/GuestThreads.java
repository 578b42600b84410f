package com.infrafabric.chassis.internal.sandbox;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads guests run on: a fixed pool whose threads are created with an explicit stack size, so
 * guest call depth is bounded by the operator, and unbounded recursion ends in Chicory's "call
 * stack exhausted" trap on that thread. The queue is unbounded here because {@link Admission}
 * bounds it.
 */
public final class GuestThreads {

  private GuestThreads() {}

  public static ThreadPoolExecutor create(int threads, long stackBytes) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        task -> {
          Thread thread =
              new Thread(null, task, "chassis-guest-" + count.incrementAndGet(), stackBytes);
          thread.setDaemon(true);
          return thread;
        };
    return new ThreadPoolExecutor(
        threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }
}
