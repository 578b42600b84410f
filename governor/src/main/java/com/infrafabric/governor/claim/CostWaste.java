package com.infrafabric.governor.claim;

/**
 * Spend of finished claims in a tenant, and the part of it wasted: on tasks that failed, were
 * abandoned, or whose spend was reported after their lease expired.
 *
 * @param tenant the tenant
 * @param totalMicros all spend reported on claims
 * @param wastedMicros the wasted part
 */
public record CostWaste(String tenant, long totalMicros, long wastedMicros) {

  /** Wasted over total spend, 0 when nothing was spent. */
  public double ratio() {
    return totalMicros == 0 ? 0 : (double) wastedMicros / totalMicros;
  }
}
