package com.infrafabric.benchmarks.load;

import io.vertx.core.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Drives an operation closed loop: a fixed number of chains, each starting its next operation as
 * soon as the previous one completes, so exactly {@code concurrency} are in flight. This finds the
 * most the system can do at that concurrency; its latencies are service times (measured from the
 * actual start), not what open-loop callers would see.
 */
final class ClosedLoop {

  private final Context context;
  private final Operation operation;

  ClosedLoop(Context context, Operation operation) {
    this.context = context;
    this.operation = operation;
  }

  /**
   * Runs {@code warmup} then {@code measure} with {@code concurrency} chains and returns what the
   * measurement window did. Blocks the calling thread, which must not be an event loop.
   */
  PhaseResult run(String name, int concurrency, Duration warmup, Duration measure) {
    long begin = System.nanoTime();
    Phase phase =
        new Phase(
            name,
            new PhaseRecorder(begin + warmup.toNanos()),
            begin + warmup.toNanos() + measure.toNanos(),
            concurrency);
    context.runOnContext(
        ignored -> {
          for (int i = 0; i < concurrency; i++) {
            phase.next();
          }
        });
    return phase.done.join();
  }

  /** The state of one run; confined to the driving context except {@link #done}. */
  private final class Phase {
    private final String name;
    private final PhaseRecorder recorder;
    private final long end;
    private final CompletableFuture<PhaseResult> done = new CompletableFuture<>();
    private int running;

    Phase(String name, PhaseRecorder recorder, long end, int chains) {
      this.name = name;
      this.recorder = recorder;
      this.end = end;
      this.running = chains;
    }

    void next() {
      long start = System.nanoTime();
      if (start - end >= 0) {
        if (--running == 0) {
          done.complete(recorder.result(name, 0));
        }
        return;
      }
      operation
          .start()
          .onComplete(
              outcome -> {
                if (outcome.succeeded()) {
                  recorder.completed(start, System.nanoTime());
                } else {
                  recorder.failed(start, System.nanoTime(), outcome.cause());
                }
                next();
              });
    }
  }
}
