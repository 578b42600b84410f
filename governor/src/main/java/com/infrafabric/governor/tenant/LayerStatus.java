package com.infrafabric.governor.tenant;

import java.time.Instant;

/**
 * One capped window of one layer as a reservation or charge left it.
 *
 * @param scope the layer
 * @param window the window the cap applies to
 * @param capMicros the cap
 * @param spentMicros spent in the current window
 * @param reservedMicros held by active reservations in the current window
 * @param resetsAt when the window rolls over, or null for lifetime
 */
public record LayerStatus(
    Scope scope,
    Window window,
    long capMicros,
    long spentMicros,
    long reservedMicros,
    Instant resetsAt) {

  /** What can still be reserved: cap minus spent minus reserved, never below zero. */
  public long remainingMicros() {
    return Math.max(0, capMicros - spentMicros - reservedMicros);
  }
}
