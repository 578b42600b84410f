package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Spend and holds of one layer in one current window, capped or not.
 *
 * @param scope the layer
 * @param window the window
 * @param capMicros the cap, if this layer has one for this window
 * @param spentMicros spent in the current window
 * @param reservedMicros held by active reservations
 * @param tokens tokens recorded in the current window
 * @param resetsAt when the window rolls over, or null for lifetime
 */
public record UsageStatus(
    Scope scope,
    Window window,
    OptionalLong capMicros,
    long spentMicros,
    long reservedMicros,
    TokenTotals tokens,
    Instant resetsAt) {

  /** Cap minus spent minus reserved (never below zero), if capped. */
  public OptionalLong remainingMicros() {
    return capMicros.isPresent()
        ? OptionalLong.of(Math.max(0, capMicros.getAsLong() - spentMicros - reservedMicros))
        : OptionalLong.empty();
  }

  /** This window as a capped layer, as reservations report it; empty if it has no cap. */
  public Optional<LayerStatus> capped() {
    return capMicros.isPresent()
        ? Optional.of(
            new LayerStatus(
                scope, window, capMicros.getAsLong(), spentMicros, reservedMicros, resetsAt))
        : Optional.empty();
  }
}
