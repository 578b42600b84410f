package com.infrafabric.governor.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registered agent as stored: its contract, and the state the claim path keeps with it.
 *
 * @param tenant the tenant it works for
 * @param id its id in the tenant
 * @param capabilities what its contract grants
 * @param model the LLM it runs on
 * @param costPerTaskMicros what a claim reserves for one of its tasks
 * @param slots how many tasks it may hold at once
 * @param busySlots how many it holds now
 * @param reputationPpm its tenant-wide reputation in parts per million (0..1,000,000; new agents
 *     start at 500,000), a moving score of its reported outcomes: fully for tasks on the tenant's
 *     own scope, by one n-th for tasks in one of the n subtrees it has a standing in
 * @param slo the latency its successful tasks should stay within
 * @param status whether it takes new tasks
 * @param breaker its tenant-wide circuit breaker
 * @param consecutiveFailures failures reported on the tenant's own scope since its last success
 *     there (a task in a subtree counts in that subtree's standing)
 * @param subtrees its standing in each subtree of the tenant whose tasks it finished or let expire
 *     (a bounded number, those that reported most recently: agent_subtrees.lua), by subtree name
 * @param contractVersion the version of its registered contract
 * @param contractExpiresAt when its signed contract expires, after which it is given no task; empty
 *     for an agent registered before expiries were kept
 */
public record Agent(
    String tenant,
    String id,
    CapabilitySet capabilities,
    String model,
    long costPerTaskMicros,
    int slots,
    int busySlots,
    int reputationPpm,
    Duration slo,
    AgentStatus status,
    BreakerState breaker,
    int consecutiveFailures,
    List<SubtreeStanding> subtrees,
    long contractVersion,
    Optional<Instant> contractExpiresAt) {

  /** The reply field prefix of a subtree standing ({@code agent_reply()} in agent_lib.lua). */
  static final String STANDING_FIELD = "s:";

  public Agent {
    subtrees = List.copyOf(subtrees);
  }

  /**
   * Reads the fields of the agent's Redis hash (see {@code agent_lib.lua}), with each subtree
   * standing as a field named {@link #STANDING_FIELD} and the subtree, its breaker as of {@code
   * now}.
   */
  static Agent fromFields(String tenant, String id, Map<String, String> fields, Instant now) {
    return new Agent(
        tenant,
        id,
        CapabilitySet.parse(List.of(fields.get("caps").split(","))),
        fields.get("model"),
        Long.parseLong(fields.get("rate")),
        Integer.parseInt(fields.get("slots")),
        Integer.parseInt(fields.get("busy")),
        Integer.parseInt(fields.get("rep")),
        Duration.ofMillis(Long.parseLong(fields.get("slo"))),
        AgentStatus.fromWireName(fields.get("status")),
        BreakerState.fromWireName(fields.get("brk")),
        Integer.parseInt(fields.get("fails")),
        standings(fields, now),
        Long.parseLong(fields.get("ver")),
        Optional.ofNullable(fields.get("cexp"))
            .map(ms -> Instant.ofEpochMilli(Long.parseLong(ms))));
  }

  private static List<SubtreeStanding> standings(Map<String, String> fields, Instant now) {
    return fields.entrySet().stream()
        .filter(field -> field.getKey().startsWith(STANDING_FIELD))
        .map(
            field ->
                SubtreeStanding.parse(
                    field.getKey().substring(STANDING_FIELD.length()), field.getValue(), now))
        .sorted(Comparator.comparing(SubtreeStanding::subtree))
        .toList();
  }
}
