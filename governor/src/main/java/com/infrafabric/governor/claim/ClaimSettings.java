package com.infrafabric.governor.claim;

import java.time.Duration;
import java.util.Objects;

/**
 * How much work one claim does at most, whatever the number of agents, and how long a task is
 * remembered.
 *
 * @param candidatesPerCapability how many of the best-ranked available agents (reputation per
 *     micro-dollar) of each required capability's index a claim considers: the best agent is
 *     searched among these, so a claim costs O(required capabilities x this), not O(agents). Of
 *     those, it reads only the agents that can still reach the minimum match, best bound first, and
 *     stops when no later one can win. An agent that ranks below this many others in the index of
 *     every capability it matches is not seen, however well it matches: raise it when agents that
 *     hold many of a task's capabilities rank low. 1..256, 8 by default.
 * @param lazyBatch how many due leases, breakers and reservations each claim path call expires on
 *     the way (the sweeper handles the rest), 0..100
 * @param taskRetention how long a task's record is kept after its latest lease ended (completed, or
 *     reopened by a failure, an abandonment or a lapse), and at least as long as that lease's
 *     record and grant revocation; while a lease is active the record lives at least until the
 *     lease's expiry plus this. Once it has gone the task id is unknown: it may be claimed again,
 *     with its count of claims afresh. Positive, 48 hours by default (as {@code
 *     budget.recordRetention}).
 */
public record ClaimSettings(int candidatesPerCapability, int lazyBatch, Duration taskRetention) {

  public static final ClaimSettings DEFAULTS = new ClaimSettings(8, 8, Duration.ofHours(48));

  public ClaimSettings {
    if (candidatesPerCapability < 1 || candidatesPerCapability > 256) {
      throw new IllegalArgumentException(
          "claim.candidatesPerCapability " + candidatesPerCapability + " is outside 1..256");
    }
    if (lazyBatch < 0 || lazyBatch > 100) {
      throw new IllegalArgumentException("claim.lazyBatch " + lazyBatch + " is outside 0..100");
    }
    Objects.requireNonNull(taskRetention, "taskRetention");
    if (taskRetention.isNegative() || taskRetention.isZero()) {
      throw new IllegalArgumentException(
          "claim.taskRetention " + taskRetention + " must be positive");
    }
  }
}
