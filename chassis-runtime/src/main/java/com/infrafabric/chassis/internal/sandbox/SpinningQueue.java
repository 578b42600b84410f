package com.infrafabric.chassis.internal.sandbox;

import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The guest threads' queue: a thread that asks for work polls it for up to {@code spin} before it
 * parks, so an invocation submitted within that time meets a running thread instead of paying for a
 * wake-up (tens of microseconds on a loaded machine, more than a trivial guest runs).
 *
 * <p>At most one thread spins at a time; the others park at once, so a pool never burns more than
 * one core, and that core for at most {@code spin} after its last piece of work. The spinner yields
 * between polls, so a runnable event loop or Redis on the same core is not held up. A spin of zero
 * parks at once, exactly as a plain {@link LinkedBlockingQueue}.
 *
 * <p>A task offered while a thread spins (and is not yielding) and nothing is queued is handed to
 * the spinner directly, past the queue: the queue would also signal a parked thread, and that
 * thread would wake (a system call for the submitter and a context switch on a core the guest or
 * the caller needs) only to find the task gone. Whichever thread stops spinning takes, or queues
 * again, a task handed to it late, so no task is ever left behind. Thread-safe.
 */
final class SpinningQueue extends LinkedBlockingQueue<Runnable> {

  private static final long serialVersionUID = 1L;

  /** Polls between yields: spinning hints are cheap, {@link Thread#yield()} is a system call. */
  static final int POLLS_PER_YIELD = 32;

  private final long spinNanos;
  private final int pollsPerYield;
  private final AtomicBoolean spinning = new AtomicBoolean();

  /**
   * Whether the spinner is polling rather than yielding: a yield can give its core away for a whole
   * time slice on a busy machine, and a task handed off meanwhile would wait that long, while a
   * queued one wakes a parked thread.
   */
  private volatile boolean polling;

  private final AtomicReference<Runnable> handedOff = new AtomicReference<>();

  SpinningQueue(long spinNanos) {
    this(spinNanos, POLLS_PER_YIELD);
  }

  /** A queue whose spinner yields every {@code pollsPerYield} polls (tests pin the hand-off). */
  SpinningQueue(long spinNanos, int pollsPerYield) {
    if (spinNanos < 0) {
      throw new IllegalArgumentException("spin " + spinNanos + " ns is negative");
    }
    this.spinNanos = spinNanos;
    this.pollsPerYield = pollsPerYield;
  }

  /**
   * Hands {@code task} to the spinning thread if there is one and nothing is queued; else queues.
   */
  @Override
  public boolean offer(Runnable task) {
    Objects.requireNonNull(task, "task");
    return handOff(task) || super.offer(task);
  }

  /**
   * True if a spinner has or will take {@code task}. After placing it, a spinner that stopped in
   * the meantime may not have seen it: then it is taken back, unless that spinner already took it.
   */
  private boolean handOff(Runnable task) {
    if (!polling || !isEmpty() || !handedOff.compareAndSet(null, task)) {
      return false;
    }
    return polling || !handedOff.compareAndSet(task, null);
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
    Runnable task;
    try {
      task = spin();
    } finally {
      polling = false;
      spinning.set(false);
    }
    return withLateHandOff(task);
  }

  private Runnable spin() {
    long end = System.nanoTime() + spinNanos;
    polling = true;
    for (int polls = 1; !Thread.currentThread().isInterrupted(); polls++) {
      Runnable task = next();
      if (task != null || System.nanoTime() - end >= 0) {
        return task;
      }
      pause(polls);
    }
    return null;
  }

  /** Reads before it takes, so a spinner does not hold the hand-off's cache line exclusively. */
  private Runnable next() {
    Runnable task = handedOff.get() == null ? null : handedOff.getAndSet(null);
    return task != null ? task : poll();
  }

  /**
   * {@code task}, or a task handed off after the spinner's last look if it found none; a late one
   * beside a found one goes to the queue, where a parked thread is signalled for it.
   */
  private Runnable withLateHandOff(Runnable task) {
    Runnable late = handedOff.getAndSet(null);
    if (late == null) {
      return task;
    }
    if (task == null) {
      return late;
    }
    super.offer(late);
    return task;
  }

  private void pause(int polls) {
    if (polls % pollsPerYield == 0) {
      polling = false;
      Thread.yield();
      polling = true;
    } else {
      Thread.onSpinWait();
    }
  }
}
