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
  public Decision take(String tenant) {
    return take(tenant, 1);
  }

  /**
   * Takes {@code count} slots at once for {@code tenant} (what one holder weighs: a request body's
   * kibibytes, say), all or none, or says why not; admitted slots must be {@link #release}d as
   * many. A count over the tenant's share is never admitted.
   */
  public synchronized Decision take(String tenant, int count) {
    requirePositive(count);
    long holding = byTenant.getOrDefault(tenant, 0);
    int holders = byTenant.size() + (holding == 0 ? 1 : 0);
    long after = (long) held + count;
    boolean withinFairShare = holding + count <= Math.max(1, bound / holders);
    if (after > bound && !(withinFairShare && after <= 2L * bound)) {
      return Decision.FULL;
    }
    if (holding + count > tenantShare) {
      return Decision.TENANT_SHARE;
    }
    byTenant.put(tenant, (int) holding + count);
    held += count;
    return Decision.ADMITTED;
  }

  /** Gives back one of {@code tenant}'s slots. */
  public void release(String tenant) {
    release(tenant, 1);
  }

  /** Gives back {@code count} of {@code tenant}'s slots, as many as one {@link #take} took. */
  public synchronized void release(String tenant, int count) {
    requirePositive(count);
    int holding = byTenant.getOrDefault(tenant, 0);
    if (holding < count) {
      throw new IllegalStateException(
          "tenant " + tenant + " holds " + holding + " slots, not " + count);
    }
    if (holding == count) {
      byTenant.remove(tenant);
    } else {
      byTenant.put(tenant, holding - count);
    }
    held -= count;
  }

  private static void requirePositive(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a count of " + count + " slots");
    }
  }

  /** Slots held now, by every tenant. */
  public synchronized int held() {
    return held;
  }
}
