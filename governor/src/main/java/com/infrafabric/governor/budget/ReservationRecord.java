package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Redis keeps of one reservation while it is open and for {@code recordRetention} after.
 *
 * @param id the reservation
 * @param scope the scope it holds budget on
 * @param state where it stands
 * @param amountMicros the amount held (micro-dollars)
 * @param actualMicros the committed cost, once committed
 * @param model the model it was priced for ({@code ""} for an explicit amount)
 * @param createdAt when it was made
 * @param expiresAt when its hold lapses unless committed, released or extended
 * @param endedAt when it was committed, released or expired
 */
public record ReservationRecord(
    ReservationId id,
    Scope scope,
    ReservationState state,
    long amountMicros,
    OptionalLong actualMicros,
    String model,
    Instant createdAt,
    Instant expiresAt,
    Optional<Instant> endedAt) {}
