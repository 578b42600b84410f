package com.infrafabric.governor.claim;

/**
 * How much work one claim does at most, whatever the number of agents.
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
 */
public record ClaimSettings(int candidatesPerCapability, int lazyBatch) {

  public static final ClaimSettings DEFAULTS = new ClaimSettings(8, 8);

  public ClaimSettings {
    if (candidatesPerCapability < 1 || candidatesPerCapability > 256) {
      throw new IllegalArgumentException(
          "claim.candidatesPerCapability " + candidatesPerCapability + " is outside 1..256");
    }
    if (lazyBatch < 0 || lazyBatch > 100) {
      throw new IllegalArgumentException("claim.lazyBatch " + lazyBatch + " is outside 0..100");
    }
  }
}
