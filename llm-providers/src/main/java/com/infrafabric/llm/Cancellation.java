package com.infrafabric.llm;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets the guest thread stop an LLM call it no longer waits for (the watchdog stopped the tool), so
 * the call ends early and its reservation is released. Thread-safe.
 */
public final class Cancellation {

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicReference<Runnable> abort = new AtomicReference<>(() -> {});

  /** Cancels; runs the current abort action once. */
  public void cancel() {
    if (cancelled.compareAndSet(false, true)) {
      abort.get().run();
    }
  }

  public boolean cancelled() {
    return cancelled.get();
  }

  /** What aborts the operation in flight; runs at once if already cancelled. */
  void onCancel(Runnable action) {
    abort.set(action);
    if (cancelled.get()) {
      action.run();
    }
  }
}
