package com.infrafabric.llm;

/**
 * Tells work that its caller no longer waits for it, so it stops early and gives back what it
 * holds: a tool invocation whose client went away or cancelled it, or an LLM call its guest stopped
 * waiting for (whose reservation is then settled). The work in flight says what aborts it ({@link
 * #onCancel}) and replaces that as it moves on, say from waiting in a queue to running.
 * Thread-safe: each abort action set runs at most once.
 */
public final class Cancellation {

  private boolean cancelled;
  private Runnable abort = () -> {};

  /** Cancels; runs the current abort action once. Cancelling again does nothing. */
  public void cancel() {
    Runnable action;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      action = abort;
    }
    action.run();
  }

  public synchronized boolean cancelled() {
    return cancelled;
  }

  /**
   * Sets what aborts the operation in flight, in place of the action set before; runs it at once,
   * on the calling thread, if already cancelled. Otherwise {@link #cancel} runs it, on its caller's
   * thread.
   */
  public void onCancel(Runnable action) {
    boolean now;
    synchronized (this) {
      abort = action;
      now = cancelled;
    }
    if (now) {
      action.run();
    }
  }
}
