package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.wire.reservation.ReservationWire;
import java.time.Instant;
import java.util.Map;

/**
 * The refusals of a reservation made under a grant ({@link ReserveRequest#grant}), which only the
 * reserve script can decide, atomically with the hold: the grant's lease ended, the hold would
 * outlive the grant, or the grant's holds and spend would pass its cost cap. Each is answered 403
 * with its own code; the script wrote nothing.
 */
final class GrantRefusals {

  private GrantRefusals() {}

  /** Throws the refusal {@code reply} carries, if it is a grant's; returns it otherwise. */
  static ScriptReply orThrow(ScriptReply reply) {
    String payload = reply.payload();
    switch (reply.kind()) {
      case "grant_revoked" ->
          throw new GovernorException(
              ErrorCode.GRANT_REVOKED,
              "the grant was revoked: its task's lease ended (" + payload + ")",
              Map.of("lease_state", payload));
      case "grant_expires_first" ->
          throw new GovernorException(
              ErrorCode.GRANT_EXPIRES_FIRST,
              "the reservation would outlive its grant, which expires at "
                  + Instant.ofEpochMilli(Long.parseLong(payload))
                  + "; ask for a shorter ttl_seconds",
              Map.of("grant_expires_at", Instant.ofEpochMilli(Long.parseLong(payload)).toString()));
      case "grant_capped" ->
          throw new GovernorException(
              ErrorCode.GRANT_CAP_EXCEEDED,
              "the grant's cost cap has "
                  + payload
                  + " micro-dollars left, less than this reservation holds",
              Map.of(ReservationWire.REMAINING_MICROS, Long.parseLong(payload)));
      default -> {
        return reply;
      }
    }
  }
}
