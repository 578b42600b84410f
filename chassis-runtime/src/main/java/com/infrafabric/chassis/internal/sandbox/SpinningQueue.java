package com.infrafabric.chassis.internal.sandbox;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The guest threads' queue: a thread that asks for work polls it for up to {@code spin} before it
 * parks, so an invocation submitted within that time meets a running thread instead of paying for a
 * wake-up (tens of microseconds on a loaded machine, more than a trivial guest runs).
 *
 * <p>At most one thread spins at a time; the others park at once, so a pool never burns more than
 * one core, and that core for at most {@code spin} after its last piece of work. The spinner yields
 * between polls, so a runnable event loop or Redis on the same core is not held up. A spin of zero
 * parks at once, exactly as a plain {@link LinkedBlockingQueue}. Thread-safe.
 */
final class SpinningQueue extends LinkedBlockingQueue<Runnable> {

  private static final long serialVersionUID = 1L;

  /** Polls between yields: spinning hints are cheap, {@link Thread#yield()} is a system call. */
  private static final int POLLS_PER_YIELD = 32;

  private final long spinNanos;
  private final AtomicBoolean spinning = new AtomicBoolean();

  SpinningQueue(long spinNanos) {
    if (spinNanos < 0) {
      throw new IllegalArgumentException("spin " + spinNanos + " ns is negative");
    }
    this.spinNanos = spinNanos;
  }

  /** The next task: found while spinning, or waited for parked. */
  @Override
  public Runnable take() throws InterruptedException {
    Runnable task = spinForTask();
    return task != null ? task : super.take();
  }

  /** A task that arrived within the spin, or null if none did or another thread is spinning. */
  private Runnable spinForTask() {
    if (spinNanos == 0 || !spinning.compareAndSet(false, true)) {
      return null;
    }
    try {
      long end = System.nanoTime() + spinNanos;
      for (int polls = 1; !Thread.currentThread().isInterrupted(); polls++) {
        Runnable task = poll();
        if (task != null || System.nanoTime() - end >= 0) {
          return task;
        }
        pause(polls);
      }
      return null;
    } finally {
      spinning.set(false);
    }
  }

  private static void pause(int polls) {
    if (polls % POLLS_PER_YIELD == 0) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
  }
}
