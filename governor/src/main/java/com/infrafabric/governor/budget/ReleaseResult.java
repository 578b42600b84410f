package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;

/**
 * A cancelled reservation, or one that had already ended.
 *
 * @param id the reservation
 * @param scope where it was held
 * @param releasedMicros what this call gave back (0 if it had already ended)
 * @param state how the reservation ended: {@code released} or {@code expired}
 * @param replayed true if this is the stored result of an earlier identical request
 */
public record ReleaseResult(
    ReservationId id, Scope scope, long releasedMicros, String state, boolean replayed) {}
