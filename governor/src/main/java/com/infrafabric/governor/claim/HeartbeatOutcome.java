package com.infrafabric.governor.claim;

import java.time.Instant;

/** What a heartbeat came to: the lease runs on, or it is lost and the holder must stop. */
public sealed interface HeartbeatOutcome {

  LeaseId lease();

  /**
   * The lease (and the budget it holds) now lasts until {@code expiresAt}.
   *
   * @param replayed true if this is the stored result of an earlier identical request
   */
  record Extended(LeaseId lease, Instant expiresAt, boolean replayed) implements HeartbeatOutcome {}

  /**
   * The lease is over: {@code state} is {@code expired} (its time ran out first), a finished
   * outcome ({@code succeeded}, {@code failed}, {@code abandoned}), or {@code agent_disabled}.
   */
  record Lost(LeaseId lease, String state) implements HeartbeatOutcome {}
}
