package com.infrafabric.platform.limit;

import java.util.HashMap;
import java.util.Map;

/**
 * A bound on what tenants hold at once on this node (requests being handled, calls on a provider's
 * connections), shared so that none can shut the others out. One tenant holds at most half of the
 * bound ({@link #tenantShare}). Half each, two tenants would still hold it all, so on a full node a
 * tenant holding less than its fair share (the bound over the tenants holding slots, itself
 * counted) is admitted beyond the bound while the others are refused; what is held never exceeds
 * twice the bound, which is what whatever the slots stand for must be sized to carry. Thread-safe.
 */
public final class TenantSlots {

  /** Whether a tenant was given a slot, and why not. */
  public enum Decision {
    ADMITTED,
    /** Every slot is held and the tenant holds at least its fair share. */
    FULL,
    /** The tenant holds half of the bound. */
    TENANT_SHARE
  }

  private final int bound;
  private final int tenantShare;

  /** Each tenant's slots held; a tenant holding none has no entry. Guarded by {@code this}. */
  private final Map<String, Integer> byTenant = new HashMap<>();

  /** Slots held by every tenant together. Guarded by {@code this}. */
  private int held;

  /**
   * Slots for {@code bound} holders at once (twice that for tenants under their fair share); a
   * bound of zero admits nothing.
   */
  public TenantSlots(int bound) {
    if (bound < 0) {
      throw new IllegalArgumentException("a bound of " + bound + " slots");
    }
    this.bound = bound;
    this.tenantShare = tenantShare(bound);
  }

  /** The most slots one tenant holds of {@code bound}: half, and at least one. */
  public static int tenantShare(int bound) {
    return Math.max(1, bound / 2);
  }

  /** The most slots one tenant holds of this bound. */
  public int tenantShare() {
    return tenantShare;
  }

  /** The bound: slots held beyond it go only to tenants under their fair share. */
  public int bound() {
    return bound;
  }

  /**
   * Takes a slot for {@code tenant}, or says why not; an admitted slot must be {@link #release}d.
   */
  public synchronized Decision take(String tenant) {
    int holding = byTenant.getOrDefault(tenant, 0);
    int holders = byTenant.size() + (holding == 0 ? 1 : 0);
    boolean underFairShare = holding < Math.max(1, bound / holders);
    if (held >= bound && !(underFairShare && held < 2 * bound)) {
      return Decision.FULL;
    }
    if (holding >= tenantShare) {
      return Decision.TENANT_SHARE;
    }
    byTenant.put(tenant, holding + 1);
    held++;
    return Decision.ADMITTED;
  }

  /** Gives back one of {@code tenant}'s slots. */
  public synchronized void release(String tenant) {
    Integer holding = byTenant.get(tenant);
    if (holding == null) {
      throw new IllegalStateException("tenant " + tenant + " holds no slot");
    }
    if (holding == 1) {
      byTenant.remove(tenant);
    } else {
      byTenant.put(tenant, holding - 1);
    }
    held--;
  }

  /** Slots held now, by every tenant. */
  public synchronized int held() {
    return held;
  }
}
