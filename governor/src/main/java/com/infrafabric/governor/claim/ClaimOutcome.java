package com.infrafabric.governor.claim;

import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.ReservationId;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a claim came to: an agent owns the task now, or nobody does and why. */
public sealed interface ClaimOutcome {

  String taskId();

  /**
   * The task is owned: its lease is running, the agent's slot is taken and the agent's cost is held
   * on the task's scope.
   *
   * @param lease the claim, to heartbeat and finish
   * @param agentId the owner
   * @param model the owner's model
   * @param expiresAt when the lease ends unless the owner heartbeats
   * @param reservation the budget reservation the claim holds
   * @param reservedMicros the amount held: the agent's cost per task
   * @param score match x reputation / cost of the chosen agent (reputation as a fraction)
   * @param matchedCapabilities how many required capabilities the agent holds at their level
   * @param requiredCapabilities how many the task requires
   * @param replayed true if this is the stored result of an earlier identical request
   */
  record Claimed(
      LeaseId lease,
      String agentId,
      String model,
      Instant expiresAt,
      ReservationId reservation,
      long reservedMicros,
      double score,
      int matchedCapabilities,
      int requiredCapabilities,
      boolean replayed)
      implements ClaimOutcome {

    @Override
    public String taskId() {
      return lease.taskId();
    }
  }

  /**
   * Nobody owns the task by this request, and nothing changed. Unless the task is owned or
   * completed already, a {@code claim.escalated} event naming the reason was appended to the
   * tenant's events stream. Not stored under the idempotency key: a retry is decided afresh.
   *
   * @param reason why, as a stable code
   * @param message a sentence a human can act on
   * @param counts what the search saw: {@code examined}, {@code matched}, {@code over_cost}, {@code
   *     busy}, {@code breakers_open}, {@code unavailable} (draining or disabled), {@code
   *     owned_before} (matching agents that already had this task), {@code contracts_expired}
   *     (matching agents whose signed contract has expired), or {@code claims} and {@code
   *     max_agents}, or for {@link Reason#SUBTREE_SHARE} {@code held} (the subtree's active
   *     leases), {@code limit}, {@code slots} (the tenant's) and {@code share_permille}
   * @param refusals for {@link Reason#BUDGET}, the layers that refused the best affordable agent
   * @param escalated true if an escalation event was emitted
   */
  record NotClaimed(
      String taskId,
      Reason reason,
      String message,
      Map<String, Long> counts,
      List<Refusal> refusals,
      boolean escalated)
      implements ClaimOutcome {
    public NotClaimed {
      counts = Map.copyOf(counts);
      refusals = List.copyOf(refusals);
    }
  }

  /** Why a task was not claimed. Codes never change meaning once published. */
  enum Reason {
    /** No agent that could take the task holds enough of its required capabilities. */
    NO_CAPABILITY_MATCH,
    /** Agents match, but every one of them has all its slots taken. */
    ALL_BUSY,
    /** Agents match and are free, but each costs more than the task's (or policy's) max cost. */
    OVER_COST,
    /** Matching agents are free, but none's cost fits the budget left on the task's scope. */
    BUDGET,
    /** Agents match, but their circuit breakers are open. */
    BREAKERS_OPEN,
    /** The task is owned by a running lease. */
    TASK_ALREADY_OWNED,
    /** The task was completed. */
    TASK_COMPLETED,
    /** As many agents as the policy allows have owned the task in turn: it needs a human. */
    MAX_AGENTS_REACHED,
    /**
     * The task's subtree holds leases on as many of the tenant's agent slots as the policy's
     * subtree share allows while another subtree contends for them (holds a lease, or was refused
     * {@link #ALL_BUSY} or this within the policy's lease TTL); the rest go to those. A subtree
     * alone is never refused this: the share keeps no slot idle that nobody else wants.
     */
    SUBTREE_SHARE;

    /** The lower-case code, e.g. {@code all_busy}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Reason fromCode(String code) {
      return valueOf(code.toUpperCase(Locale.ROOT));
    }
  }
}
