package com.infrafabric.governor.claim;

/**
 * How much work one claim does at most, whatever the number of agents.
 *
 * @param candidatesPerCapability how many of the best-ranked available agents (reputation per
 *     micro-dollar) of each required capability a claim examines: the best agent is searched among
 *     these, so a claim costs O(required capabilities x this), not O(agents). An agent that holds
 *     every capability but ranks below this many single-capability agents in each index is not
 *     seen; raise it if tenants have many more agents per capability than this and rankings are
 *     close. 1..256.
 * @param lazyBatch how many due leases, breakers and reservations each claim path call expires on
 *     the way (the sweeper handles the rest), 0..100
 */
public record ClaimSettings(int candidatesPerCapability, int lazyBatch) {

  public static final ClaimSettings DEFAULTS = new ClaimSettings(16, 8);

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
