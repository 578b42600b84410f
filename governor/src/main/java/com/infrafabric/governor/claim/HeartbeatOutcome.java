package com.infrafabric.governor.claim;

import java.time.Instant;

/**
 * What a heartbeat came to: the lease runs on. A lease already over is refused ({@code
 * LEASE_ENDED}), never answered.
 */
public sealed interface HeartbeatOutcome {

  LeaseId lease();

  /** The lease (and the budget it holds) now lasts until {@code expiresAt}. */
  record Extended(LeaseId lease, Instant expiresAt) implements HeartbeatOutcome {}
}
