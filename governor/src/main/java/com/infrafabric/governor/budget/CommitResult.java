package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import java.util.List;

/**
 * A settled reservation.
 *
 * @param id the reservation
 * @param scope where it was charged
 * @param reservedMicros what had been held
 * @param actualMicros what was spent (recorded in full even above the hold)
 * @param releasedMicros the unused part given back
 * @param overage true if the actual cost exceeded the hold
 * @param late true if the reservation had already expired: the spend is recorded all the same
 * @param settledByExpiry true if the reservation was a service's and its expiry had committed it at
 *     its whole amount (its {@code actualMicros}): this commit charged nothing more, whatever it
 *     reported
 * @param layers capped windows after the commit
 * @param replayed true if this is the stored result of an earlier identical request
 */
public record CommitResult(
    ReservationId id,
    Scope scope,
    long reservedMicros,
    long actualMicros,
    long releasedMicros,
    boolean overage,
    boolean late,
    boolean settledByExpiry,
    List<LayerStatus> layers,
    boolean replayed) {

  public CommitResult {
    layers = List.copyOf(layers);
  }
}
