package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.claim.HeartbeatOutcome.Extended;
import com.infrafabric.governor.registry.BreakerState;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.ScriptReply;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns the claim scripts' replies into outcomes, and their refusals into exceptions. */
final class ClaimReplies {

  private ClaimReplies() {}

  /**
   * Throws a claim's refusals (its task id taken in another scope; a repeat of a claim whose lease
   * has ended since, which is no claim to hand an agent; then those every script shares); returns
   * the reply otherwise.
   */
  static ScriptReply claimChecked(ScriptReply reply, TaskSpec task) {
    if ("task_scope".equals(reply.kind())) {
      throw taskScopeConflict(task.id(), reply.payload());
    }
    if ("lease_ended".equals(reply.kind())) {
      JsonObject ended = reply.body();
      LeaseId lease =
          new LeaseId(task.tenant(), task.id(), Integer.parseInt(ended.getString("lease")));
      String state = ended.getString("state");
      throw new GovernorException(
          ErrorCode.LEASE_ENDED,
          "this idempotency key already claimed task "
              + task.id()
              + " as lease "
              + lease
              + ", which has ended ("
              + state
              + "); to claim the task again, use a new idempotency key",
          Map.of("lease", lease.toString(), "state", state));
    }
    return reply.orThrow();
  }

  /**
   * Throws the refusals of a call on {@code lease} (a heartbeat's or a finish's: not found, not the
   * caller's, already ended, then those every script shares); returns the reply otherwise.
   */
  static ScriptReply leaseChecked(ScriptReply reply, LeaseId lease) {
    switch (reply.kind()) {
      case "task_not_found" ->
          throw new GovernorException(
              ErrorCode.TASK_NOT_FOUND, "lease " + lease + " does not exist");
      case "not_holder" ->
          // Not naming the holder: an agent token reads no other agent's record.
          throw new GovernorException(
              ErrorCode.LEASE_NOT_HELD, "lease " + lease + " is held by another agent");
      case "lease_ended" ->
          throw new GovernorException(
              ErrorCode.LEASE_ENDED,
              "lease " + lease + " already ended (" + reply.payload() + ")",
              Map.of("state", reply.payload()));
      default -> {
        return reply.orThrow();
      }
    }
  }

  /**
   * The task id is taken by a task of another scope: named when it lies within the caller's subtree
   * (the script answers '' for one outside it, which the caller may not learn of).
   */
  private static GovernorException taskScopeConflict(String task, String scope) {
    if (scope.isEmpty()) {
      return new GovernorException(
          ErrorCode.TASK_SCOPE_CONFLICT,
          "task " + task + " belongs to a scope outside the caller's subtree");
    }
    return new GovernorException(
        ErrorCode.TASK_SCOPE_CONFLICT,
        "task " + task + " belongs to scope " + scope,
        Map.of("scope", scope));
  }

  static ClaimOutcome claim(ScriptReply reply, JsonObject body, TaskSpec task) {
    if ("not_claimed".equals(reply.kind())) {
      Reason reason = Reason.fromCode(body.getString("reason"));
      Map<String, Long> counts = counts(body.getValue("counts"));
      return new NotClaimed(
          task.id(),
          reason,
          message(reason, task, counts),
          counts,
          ScriptReply.refusals(body.getValue("refusals")),
          body.getBoolean("escalated"));
    }
    return new Claimed(
        new LeaseId(task.tenant(), task.id(), Integer.parseInt(body.getString("lease"))),
        body.getString("agent"),
        body.getString("model"),
        Instant.ofEpochMilli(Long.parseLong(body.getString("expires_at"))),
        ReservationId.parse(body.getString("rid")),
        Long.parseLong(body.getString("amount")),
        Double.parseDouble(body.getString("score")),
        Integer.parseInt(body.getString("matched")),
        Integer.parseInt(body.getString("required")),
        reply.replayed());
  }

  /**
   * The extended lease; a lease already over (expired, finished, or its agent disabled) is {@code
   * LEASE_ENDED}, a refusal and not an answer, so a holder that reads only the status stops: its
   * task may already be someone else's.
   */
  static HeartbeatOutcome heartbeat(ScriptReply reply, JsonObject body, LeaseId lease) {
    if ("lost".equals(reply.kind())) {
      String state = body.getString("state");
      throw new GovernorException(
          ErrorCode.LEASE_ENDED,
          "lease " + lease + " already ended (" + state + "); stop working on its task",
          Map.of("state", state));
    }
    return new Extended(lease, Instant.ofEpochMilli(Long.parseLong(body.getString("expires_at"))));
  }

  static FinishResult finish(ScriptReply reply, JsonObject body, LeaseId lease) {
    return new FinishResult(
        lease,
        TaskOutcome.fromWireName(body.getString("outcome")),
        body.getBoolean("late"),
        Long.parseLong(body.getString("reserved")),
        Long.parseLong(body.getString("actual")),
        Long.parseLong(body.getString("released")),
        body.getBoolean("overage"),
        body.containsKey("reputation")
            ? OptionalInt.of(Integer.parseInt(body.getString("reputation")))
            : OptionalInt.empty(),
        Optional.ofNullable(body.getString("breaker")).map(BreakerState::fromWireName),
        reply.replayed());
  }

  /** Lua's cjson writes an empty table as an object, so counts are always an object. */
  private static Map<String, Long> counts(Object json) {
    Map<String, Long> counts = new HashMap<>();
    if (json instanceof JsonObject object) {
      object.forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    }
    return counts;
  }

  private static String message(Reason reason, TaskSpec task, Map<String, Long> counts) {
    long matched = counts.getOrDefault("matched", 0L);
    return switch (reason) {
      case NO_CAPABILITY_MATCH ->
          "no agent that could take task "
              + task.id()
              + " holds enough of the "
              + task.required().size()
              + " capabilities it requires (at the policy's minimum match); "
              + counts.getOrDefault("owned_before", 0L)
              + " matching agents owned it before, "
              + counts.getOrDefault("contracts_expired", 0L)
              + " have an expired contract";
      case ALL_BUSY -> "every agent that matches task " + task.id() + " has all its slots taken";
      case OVER_COST ->
          matched
              + " free agents match task "
              + task.id()
              + ", but each costs more than its max cost";
      case BUDGET ->
          "no matching agent's cost fits the budget left on scope " + task.scope().path();
      case BREAKERS_OPEN ->
          "every agent that matches task " + task.id() + " has its circuit breaker open";
      case TASK_ALREADY_OWNED -> "task " + task.id() + " is owned by a running lease";
      case TASK_COMPLETED -> "task " + task.id() + " is completed";
      case MAX_AGENTS_REACHED ->
          "task "
              + task.id()
              + " has had "
              + counts.get("claims")
              + " agents, the most its policy allows ("
              + counts.get("max_agents")
              + ")";
      case SUBTREE_SHARE ->
          "the subtree of scope "
              + task.scope().path()
              + " holds "
              + counts.get("held")
              + " leases, the most its share of the tenant's "
              + counts.get("slots")
              + " agent slots allows ("
              + counts.get("limit")
              + ") while another subtree waits for a slot or holds a lease; the rest go to those";
    };
  }
}
