package com.infrafabric.governor.gateway;

import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams this node is relaying, so that a shutdown can cut them itself: a stream still open
 * when the server closes its connections would reach its client as a dropped connection, with no
 * error event, and be settled as if its client had left. Thread-safe.
 */
final class LiveStreams {

  /** How each live stream is cut; each runs on its own stream's event loop. */
  private final Set<Runnable> cuts = ConcurrentHashMap.newKeySet();

  /** Holds {@code cut} among the live streams until {@code ended} completes. */
  void add(Runnable cut, Future<?> ended) {
    cuts.add(cut);
    ended.onComplete(done -> cuts.remove(cut));
  }

  /** Cuts every live stream: each ends with its dialect's error event and is settled as cut. */
  void cutAll() {
    Set.copyOf(cuts).forEach(Runnable::run);
  }
}
