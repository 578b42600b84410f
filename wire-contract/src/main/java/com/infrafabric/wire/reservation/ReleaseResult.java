package com.infrafabric.wire.reservation;

/** What releasing a reservation came to. */
public sealed interface ReleaseResult {

  /** The hold is gone (released now, or it had already ended). */
  record Released() implements ReleaseResult {}

  /** The governor could not be asked; the hold ends at its expiry otherwise. */
  record Unavailable(String reason) implements ReleaseResult {}
}
