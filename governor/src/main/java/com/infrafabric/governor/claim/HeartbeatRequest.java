package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.budget.IdempotencyKey;
import com.infrafabric.governor.budget.Scope;
import java.util.Objects;

/**
 * The holder of a lease says it is still working.
 *
 * @param lease the lease
 * @param agentId the agent reporting: it must be the holder
 * @param idempotencyKey names this request for safe retries
 */
public record HeartbeatRequest(LeaseId lease, String agentId, IdempotencyKey idempotencyKey) {

  public HeartbeatRequest {
    Objects.requireNonNull(lease, "lease");
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
