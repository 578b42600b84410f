package com.infrafabric.chassis.http;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.llm.Cancellation;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The invocations this node is running for a client that still waits (REST invocations and MCP
 * {@code tools/call}), so that a shutdown can end them itself before the server closes their
 * connections: each is cancelled (queued, it never runs; running, its guest is stopped) and
 * answered that the chassis shut down ({@link #answer}), rather than dropped with its connection.
 * Thread-safe.
 */
public final class LiveInvocations {

  private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
  private volatile boolean shutDown;

  /** Holds {@code cancellation} among the running until {@code ended} completes. */
  public void add(Cancellation cancellation, Future<?> ended) {
    running.add(cancellation);
    ended.onComplete(done -> running.remove(cancellation));
  }

  /** Cancels every running invocation: the service is shutting down. From any thread. */
  public void cancelAll() {
    shutDown = true;
    Set.copyOf(running).forEach(Cancellation::cancel);
  }

  /**
   * True if the invocation {@code cancellation} belongs to is answered with nothing: its client
   * left (a cancel the shutdown made is answered, {@link #answer}).
   */
  public boolean withheld(Cancellation cancellation) {
    return cancellation.cancelled() && !shutDown;
  }

  /**
   * What the invocation {@code cancellation} belongs to, which ended {@code result}, is answered:
   * one the shutdown cancelled is {@code UNAVAILABLE} (503 on REST: retry later, elsewhere), saying
   * whether its guest ran (its side effects, if any, may have happened), with what it used and
   * logged until then; any other its own result.
   */
  public InvocationResult answer(Cancellation cancellation, InvocationResult result) {
    return shutDown && cancellation.cancelled() && result.outcome() == Outcome.CANCELLED
        ? endedByShutdown(result)
        : result;
  }

  private static InvocationResult endedByShutdown(InvocationResult cancelled) {
    boolean ran =
        cancelled.report().peakMemoryPages() > 0 || !cancelled.report().cpuTime().isZero();
    return new InvocationResult(
        Outcome.UNAVAILABLE,
        cancelled.output(),
        "The chassis shut down before the invocation ended: "
            + (ran
                ? "its guest was stopped while it ran, and may have done part of its work."
                : "its guest never ran.")
            + " Retry it later.",
        cancelled.report(),
        cancelled.logs());
  }
}
