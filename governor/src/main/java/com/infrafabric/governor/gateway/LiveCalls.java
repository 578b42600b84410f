package com.infrafabric.governor.gateway;

import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this node is still to answer (waiting on their provider) and the streams it is
 * relaying, so that a shutdown can end them itself: one still open when the server closes its
 * connections would reach its client as a dropped connection, with no answer or error event, and be
 * settled as if its provider had timed out or its client had left. Thread-safe.
 */
final class LiveCalls {

  /** How each live call is cut; each runs on its own call's event loop. */
  private final Set<Runnable> cuts = ConcurrentHashMap.newKeySet();

  /** Holds {@code cut} among the live calls until {@code ended} completes. */
  void add(Runnable cut, Future<?> ended) {
    cuts.add(cut);
    ended.onComplete(done -> cuts.remove(cut));
  }

  /**
   * Cuts every live call: each is answered with its dialect's error (a stream with its error event)
   * and settled as cut by the shutdown.
   */
  void cutAll() {
    Set.copyOf(cuts).forEach(Runnable::run);
  }
}
