package com.infrafabric.chassis.http;

import com.infrafabric.llm.Cancellation;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REST invocations this node is running for a client that still waits, so that a shutdown can
 * end them itself before the server closes their connections: each is cancelled (queued, it never
 * runs; running, its guest is stopped) and answered that the chassis shut down ({@link #shutDown}),
 * rather than dropped with its connection. Thread-safe.
 */
final class LiveInvocations {

  private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
  private volatile boolean shutDown;

  /** Holds {@code cancellation} among the running until {@code ended} completes. */
  void add(Cancellation cancellation, Future<?> ended) {
    running.add(cancellation);
    ended.onComplete(done -> running.remove(cancellation));
  }

  /** Cancels every running invocation: the shutdown ends them. */
  void cancelAll() {
    shutDown = true;
    Set.copyOf(running).forEach(Cancellation::cancel);
  }

  /**
   * True once {@link #cancelAll} ran: a cancelled invocation is then answered as ended by the
   * shutdown, not withheld as one whose client left.
   */
  boolean shutDown() {
    return shutDown;
  }
}
