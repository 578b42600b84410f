package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.tenant.Scope;
import java.util.Objects;

/**
 * The holder of a lease says it is still working. It needs no idempotency key: sent again, it
 * extends the lease again, from its own now.
 *
 * @param lease the lease
 * @param agentId the agent reporting: it must be the holder
 * @param within the subtree the caller may touch, or null for any; a lease of a task outside it is
 *     reported as not found, so a caller learns nothing about other scopes
 */
public record HeartbeatRequest(LeaseId lease, String agentId, Scope within) {

  public HeartbeatRequest {
    Objects.requireNonNull(lease, "lease");
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
  }

  /** A heartbeat by a caller allowed to touch any scope. */
  public HeartbeatRequest(LeaseId lease, String agentId) {
    this(lease, agentId, null);
  }
}
