package com.infrafabric.wire.reservation;

/** What a reservation came to. */
public sealed interface ReserveResult {

  /**
   * The cost is held.
   *
   * @param reservationId to commit or release
   * @param amountMicros what is held, in micro-dollars
   * @param remainingMicros what the tightest budget layer has left after the hold
   */
  record Reserved(String reservationId, long amountMicros, long remainingMicros)
      implements ReserveResult {}

  /**
   * A budget has no room for the call; nothing is held.
   *
   * @param reason which budget refused and by how much, for the tool's log
   * @param remainingMicros what the tightest budget layer has left
   */
  record Denied(String reason, long remainingMicros) implements ReserveResult {}

  /** The governor could not be asked or did not answer usefully; nothing is known to be held. */
  record Unavailable(String reason) implements ReserveResult {}
}
