package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The holder of a lease (or the runtime that ran its task) reports how the task ended.
 *
 * @param lease the lease
 * @param agentId the agent reporting: it must be the holder
 * @param outcome how the task ended
 * @param actual what the task really cost; committed in place of the claim's reservation
 * @param latency how long the task ran, measured against the agent's SLO for its reputation; empty
 *     if not reported, and a success that reports none counts as late: it cannot be shown to be
 *     within the SLO, so leaving it out never earns more reputation than reporting it
 * @param idempotencyKey names this request for safe retries
 * @param within the subtree the caller may touch, or null for any; a lease of a task outside it is
 *     reported as not found, so a caller learns nothing about other scopes
 */
public record FinishRequest(
    LeaseId lease,
    String agentId,
    TaskOutcome outcome,
    Spend actual,
    Optional<Duration> latency,
    IdempotencyKey idempotencyKey,
    Scope within) {

  public FinishRequest {
    Objects.requireNonNull(lease, "lease");
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(latency, "latency");
    if (latency.filter(Duration::isNegative).isPresent()) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "latency " + latency.get().toMillis() + " ms must not be negative",
          Map.of("field", "latency"));
    }
  }

  /** A finish by a caller allowed to touch any scope. */
  public FinishRequest(
      LeaseId lease,
      String agentId,
      TaskOutcome outcome,
      Spend actual,
      Optional<Duration> latency,
      IdempotencyKey idempotencyKey) {
    this(lease, agentId, outcome, actual, latency, idempotencyKey, null);
  }
}
