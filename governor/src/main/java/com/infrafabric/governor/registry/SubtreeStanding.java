package com.infrafabric.governor.registry;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent's standing in one subtree of its tenant: what the outcomes of its tasks there did to it.
 * Claims on tasks in the subtree rank the agent by this reputation and skip it while this breaker
 * is open (or its probe runs), whatever the other subtrees report; the tenant-wide breaker opens
 * only once two subtrees' breakers have (see {@code agent_subtrees.lua}).
 *
 * @param subtree the first segment of the tasks' scopes below the tenant ({@code teamA} for {@code
 *     acme/teamA/p})
 * @param reputationPpm its reputation there, in parts per million
 * @param consecutiveFailures failures there since its last success there
 * @param breaker its breaker there, at the time it was read
 */
public record SubtreeStanding(
    String subtree, int reputationPpm, int consecutiveFailures, BreakerState breaker) {

  /** {@code rep|fails|reopens|seen|probe}, as {@code agent_subtrees.lua} stores a standing. */
  private static final Pattern STORED =
      Pattern.compile("(\\d+)\\|(\\d+)\\|(\\d+)\\|\\d+\\|.*", Pattern.DOTALL);

  /**
   * Reads a standing as {@code agent_subtrees.lua} stores it; its breaker is half-open once the
   * cool-down ended by {@code now}, as the scripts derive it.
   */
  static SubtreeStanding parse(String subtree, String stored, Instant now) {
    Matcher fields = STORED.matcher(stored);
    if (!fields.matches()) {
      throw new IllegalStateException("subtree standing " + subtree + " is stored as " + stored);
    }
    long reopens = Long.parseLong(fields.group(3));
    BreakerState breaker =
        reopens == 0
            ? BreakerState.CLOSED
            : reopens > now.toEpochMilli() ? BreakerState.OPEN : BreakerState.HALF_OPEN;
    return new SubtreeStanding(
        subtree, Integer.parseInt(fields.group(1)), Integer.parseInt(fields.group(2)), breaker);
  }
}
