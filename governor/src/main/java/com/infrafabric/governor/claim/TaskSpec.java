package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task to hand to an agent.
 *
 * @param id the task, unique in its tenant (the same rule as a scope segment)
 * @param scope where its cost is reserved and spent; the first segment is the tenant
 * @param required the capabilities (and levels) it needs, 1..{@value #MAX_REQUIRED}
 * @param maxCostMicros the most an agent may cost for it, at least 1 (the tenant policy may cap it
 *     lower)
 * @param maxAgents how many agents may in turn own it (the policy may cap it lower)
 */
public record TaskSpec(
    String id, Scope scope, CapabilitySet required, long maxCostMicros, int maxAgents) {

  public static final int MAX_REQUIRED = 16;

  public TaskSpec {
    Scope.segment(ErrorCode.INVALID_REQUEST, "task_id", id);
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(required, "required");
    checkCount(required.size());
    Money.checkPositive("max_cost_micros", maxCostMicros);
    if (maxAgents < 1 || maxAgents > TenantPolicy.MAX_AGENTS_PER_TASK) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST,
          "max_agents " + maxAgents + " is outside 1.." + TenantPolicy.MAX_AGENTS_PER_TASK,
          Map.of("field", "max_agents"));
    }
  }

  public String tenant() {
    return scope.tenant();
  }

  /**
   * A task's required capabilities from its entries ({@code name} or {@code name:level}): their
   * count is checked first, against the task's own bounds, so none, or more than a task may list,
   * is not refused with a contract's bounds, and a client (the CLI) checks them by this same rule.
   */
  public static CapabilitySet required(List<String> entries) {
    checkCount(entries.size());
    return CapabilitySet.parse(entries, "required");
  }

  private static void checkCount(int count) {
    if (count < 1 || count > MAX_REQUIRED) {
      throw new GovernorException(
          ErrorCode.INVALID_CAPABILITY,
          "a task requires 1 to " + MAX_REQUIRED + " capabilities, not " + count,
          Map.of("field", "required"));
    }
  }
}
