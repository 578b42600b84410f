package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * The refusals of a reservation made under a grant ({@link ReserveRequest#grant}), which only the
 * scripts can decide, atomically with what they would write: the grant's lease ended, the hold
 * would outlive the grant, or the grant's holds and spend would pass its cost cap, by the hold or
 * by a commit above it (or a late one). Each is answered 403 with its own code; the script wrote
 * nothing, and a refused commit leaves its hold as it was.
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
      case "grant_commit_capped" -> throw commitCapped(reply.body());
      default -> {
        return reply;
      }
    }
  }

  /**
   * A commit whose cost would take the grant's counter past its cost cap: it names the most the
   * reservation may be committed at (its hold, if still active, and what the cap has left), for the
   * caller to commit that instead of its report being clamped silently.
   */
  private static GovernorException commitCapped(JsonObject capped) {
    long maxCommit = Long.parseLong(capped.getString("max_commit"));
    long remaining = Long.parseLong(capped.getString("remaining"));
    return new GovernorException(
        ErrorCode.GRANT_CAP_EXCEEDED,
        "committing this cost would pass the grant's cost cap, which has "
            + remaining
            + " micro-dollars left: this reservation may be committed at "
            + maxCommit
            + " at most; nothing was committed and the hold stands",
        Map.of(
            ReservationWire.MAX_COMMIT_MICROS, maxCommit,
            ReservationWire.REMAINING_MICROS, remaining));
  }
}
