package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import java.util.Optional;

/**
 * A gateway call whose reservation is not yet committed or released in the store: what an operator
 * needs to charge it by hand should the node exit first.
 *
 * @param callId the call's id, in its log lines and its settlement's idempotency keys
 * @param scope the caller's scope, charged for the call
 * @param reservation its reservation; empty while the reservation is still being made
 * @param reservedMicros what the reservation holds: the call's worst case, the most it is charged
 */
public record UnsettledCall(
    String callId, Scope scope, Optional<ReservationId> reservation, long reservedMicros) {}
