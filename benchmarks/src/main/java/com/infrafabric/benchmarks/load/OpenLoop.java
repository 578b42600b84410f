package com.infrafabric.benchmarks.load;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives an operation open loop, as clients that do not wait for each other load a real service:
 * operation {@code i} of a phase is due at {@code begin + i / rate} whatever happened to the ones
 * before, and its latency is measured from that intended start. A slow response therefore costs
 * every operation queued behind it, as it would cost real callers, instead of silently pausing the
 * load (coordinated omission).
 *
 * <p>A dedicated scheduler thread waits for each due time ({@link LockSupport#parkNanos} on a
 * {@link System#nanoTime} deadline, typically 50-100 µs late on Linux) and hands the operation to
 * the driving Vert.x context, where it starts and completes; that lateness is reported as the
 * launch lag and is part of the latency. At most {@code maxOutstanding} operations run at once: one
 * that falls due beyond that bound is dropped and counted, never queued, so an overloaded phase
 * ends on time and says so.
 */
final class OpenLoop {

  private final Context context;
  private final Operation operation;
  private final int maxOutstanding;

  OpenLoop(Context context, Operation operation, int maxOutstanding) {
    this.context = context;
    this.operation = operation;
    this.maxOutstanding = maxOutstanding;
  }

  /**
   * Runs {@code warmup} then {@code measure} at {@code ratePerSecond}, waits for every started
   * operation to end, and returns what the measurement window did. Blocks the calling thread, which
   * must not be an event loop.
   */
  PhaseResult run(String name, long ratePerSecond, Duration warmup, Duration measure) {
    long count = Math.round(ratePerSecond * (warmup.toNanos() + measure.toNanos()) / 1e9);
    double interval = 1e9 / ratePerSecond;
    long begin = System.nanoTime();
    Phase phase = new Phase(name, ratePerSecond, new PhaseRecorder(begin + warmup.toNanos()));
    Thread scheduler =
        new Thread(() -> schedule(phase, begin, interval, count), "open-loop-scheduler");
    scheduler.setDaemon(true);
    scheduler.start();
    return phase.done.join();
  }

  private void schedule(Phase phase, long begin, double interval, long count) {
    try {
      for (long i = 0; i < count; i++) {
        long intended = begin + (long) (i * interval);
        awaitDeadline(intended);
        context.runOnContext(ignored -> phase.launch(intended));
      }
      context.runOnContext(ignored -> phase.allScheduled());
    } catch (RuntimeException e) {
      phase.done.completeExceptionally(e);
    }
  }

  private static void awaitDeadline(long deadline) {
    for (long wait = deadline - System.nanoTime(); wait > 0; wait = deadline - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }

  /** The state of one run; confined to the driving context except {@link #done}. */
  private final class Phase {
    private final String name;
    private final long ratePerSecond;
    private final PhaseRecorder recorder;
    private final CompletableFuture<PhaseResult> done = new CompletableFuture<>();
    private int outstanding;
    private boolean allScheduled;

    Phase(String name, long ratePerSecond, PhaseRecorder recorder) {
      this.name = name;
      this.ratePerSecond = ratePerSecond;
      this.recorder = recorder;
    }

    void launch(long intended) {
      if (outstanding >= maxOutstanding) {
        recorder.dropped(intended);
        return;
      }
      outstanding++;
      recorder.launched(intended, System.nanoTime());
      operation
          .start()
          .onComplete(
              outcome -> {
                outstanding--;
                if (outcome.succeeded()) {
                  recorder.completed(intended, System.nanoTime());
                } else {
                  recorder.failed(intended, System.nanoTime(), outcome.cause());
                }
                finishIfDrained();
              });
    }

    void allScheduled() {
      allScheduled = true;
      finishIfDrained();
    }

    private void finishIfDrained() {
      if (allScheduled && outstanding == 0) {
        done.complete(recorder.result(name, ratePerSecond));
      }
    }
  }
}
