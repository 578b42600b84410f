package com.infrafabric.governor.http;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.CostWaste;
import com.infrafabric.governor.claim.FinishResult;
import com.infrafabric.governor.claim.HeartbeatOutcome;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentPage;
import com.infrafabric.governor.registry.SubtreeStanding;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON of the claim path, the capability registry and tenant policies. */
final class ClaimViews {

  private ClaimViews() {}

  static JsonObject claimed(Claimed claimed, String grant) {
    return new JsonObject()
        .put("lease_id", claimed.lease().toString())
        .put("task_id", claimed.taskId())
        .put("agent_id", claimed.agentId())
        .put("model", claimed.model())
        .put("expires_at", claimed.expiresAt().toString())
        .put("reservation_id", claimed.reservation().toString())
        .put("reserved_micros", claimed.reservedMicros())
        .put("score", claimed.score())
        .put("matched_capabilities", claimed.matchedCapabilities())
        .put("required_capabilities", claimed.requiredCapabilities())
        .put("grant", grant)
        .put("replayed", claimed.replayed());
  }

  static JsonObject heartbeat(HeartbeatOutcome outcome) {
    HeartbeatOutcome.Extended extended = (HeartbeatOutcome.Extended) outcome;
    return new JsonObject()
        .put("lease_id", outcome.lease().toString())
        .put("state", "active")
        .put("expires_at", extended.expiresAt().toString());
  }

  static JsonObject finished(FinishResult result) {
    JsonObject json =
        new JsonObject()
            .put("lease_id", result.lease().toString())
            .put("outcome", result.outcome().wireName())
            .put("late", result.late())
            .put("reserved_micros", result.reservedMicros())
            .put("actual_micros", result.actualMicros())
            .put("released_micros", result.releasedMicros())
            .put("overage", result.overage())
            .put("replayed", result.replayed());
    result.reputationPpm().ifPresent(ppm -> json.put("reputation_ppm", ppm));
    result.breaker().ifPresent(state -> json.put("breaker", state.wireName()));
    return json;
  }

  static JsonObject agents(AgentPage page) {
    return new JsonObject()
        .put("agents", new JsonArray(page.agents().stream().map(ClaimViews::agent).toList()))
        .put("next_cursor", page.nextCursor().orElse(null));
  }

  static JsonObject agent(Agent agent) {
    return new JsonObject()
        .put("tenant", agent.tenant())
        .put("agent_id", agent.id())
        .put("capabilities", new JsonArray(agent.capabilities().entries()))
        .put("model", agent.model())
        .put("cost_per_task_micros", agent.costPerTaskMicros())
        .put("slots", agent.slots())
        .put("busy_slots", agent.busySlots())
        .put("reputation_ppm", agent.reputationPpm())
        .put("slo_ms", agent.slo().toMillis())
        .put("status", agent.status().wireName())
        .put("breaker", agent.breaker().wireName())
        .put("consecutive_failures", agent.consecutiveFailures())
        .put(
            "subtrees", new JsonArray(agent.subtrees().stream().map(ClaimViews::standing).toList()))
        .put("contract_version", agent.contractVersion())
        .put("contract_expires_at", agent.contractExpiresAt().map(Object::toString).orElse(null));
  }

  private static JsonObject standing(SubtreeStanding standing) {
    return new JsonObject()
        .put("subtree", standing.subtree())
        .put("breaker", standing.breaker().wireName())
        .put("consecutive_failures", standing.consecutiveFailures())
        .put("reputation_ppm", standing.reputationPpm());
  }

  static JsonObject policy(String tenant, TenantPolicy policy) {
    JsonArray downgrades = new JsonArray();
    policy
        .downgrades()
        .forEach(
            d ->
                downgrades.add(
                    new JsonObject()
                        .put("from_model", d.fromModel())
                        .put("to_model", d.toModel())
                        .put("below_remaining_pct", d.belowRemainingPercent())));
    return new JsonObject()
        .put("tenant", tenant)
        .put("min_match_permille", policy.minMatchPermille())
        .put("max_agents_per_task", policy.maxAgentsPerTask())
        .put("max_cost_per_task_micros", policy.maxCostPerTaskMicros())
        .put("breaker_failures", policy.breakerFailures())
        .put("breaker_cooldown_ms", policy.breakerCooldown().toMillis())
        .put("lease_ttl_ms", policy.leaseTtl().toMillis())
        .put("reputation_weight_permille", policy.reputationWeightPermille())
        .put("subtree_share_permille", policy.subtreeSharePermille())
        .put("downgrades", downgrades);
  }

  static JsonObject waste(CostWaste waste) {
    return new JsonObject()
        .put("tenant", waste.tenant())
        .put("total_micros", waste.totalMicros())
        .put("wasted_micros", waste.wastedMicros())
        .put("waste_ratio", waste.ratio());
  }
}
