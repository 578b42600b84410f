package com.infrafabric.deploy.client;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Shows on stderr that a request is still under way: nothing if the answer comes within {@link
 * #AFTER}, else {@code <label> ...} and one more dot each {@code every}, then {@code done} or
 * {@code failed} when it ends. Stdout is never touched, so {@code --json} output stays clean.
 * Thread-safe: the dots come from a daemon thread of its own.
 */
final class Progress implements AutoCloseable {

  /** How long an answer may take before the indicator appears. */
  static final Duration AFTER = Duration.ofSeconds(1);

  private final PrintStream err;
  private final ScheduledExecutorService ticker;
  private final AtomicBoolean shown = new AtomicBoolean();
  private boolean succeeded;

  private Progress(PrintStream err, String label, Duration after, Duration every) {
    this.err = err;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cli-progress");
              thread.setDaemon(true);
              return thread;
            });
    ticker.schedule(() -> first(label), after.toMillis(), TimeUnit.MILLISECONDS);
    ticker.scheduleAtFixedRate(
        this::dot, after.plus(every).toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** An indicator for {@code label} that appears after {@link #AFTER}, a dot a second after. */
  static Progress start(PrintStream err, String label) {
    return start(err, label, AFTER, Duration.ofSeconds(1));
  }

  static Progress start(PrintStream err, String label, Duration after, Duration every) {
    return new Progress(err, label, after, every);
  }

  /** Marks the work as done; {@link #close} then says so rather than {@code failed}. */
  void succeeded() {
    succeeded = true;
  }

  private void first(String label) {
    shown.set(true);
    err.print(label + " ...");
    err.flush();
  }

  private void dot() {
    err.print('.');
    err.flush();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (shown.get()) {
      err.println(succeeded ? " done" : " failed");
    }
  }
}
