package com.infrafabric.wire.reservation;

/** What committing a reservation came to. */
public sealed interface CommitResult {

  /**
   * The actual cost is charged and the rest of the hold released.
   *
   * @param actualMicros the cost of the reported usage
   * @param remainingMicros what the tightest budget layer has left
   */
  record Committed(long actualMicros, long remainingMicros) implements CommitResult {}

  /** The reservation cannot be committed any more (it expired or was released). */
  record Rejected(String reason) implements CommitResult {}

  /**
   * Nothing was committed: the cost would take the grant's holds and spend past its cost cap. The
   * hold still stands; committing at most {@code maxCommitMicros} (an active hold's own amount is
   * always within it) is taken.
   */
  record Capped(long maxCommitMicros, String reason) implements CommitResult {}

  /** The governor could not be asked; committing again with the same key is safe. */
  record Unavailable(String reason) implements CommitResult {}
}
