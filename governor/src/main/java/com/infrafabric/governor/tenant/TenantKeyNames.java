package com.infrafabric.governor.tenant;

import java.time.Instant;

/**
 * Names of the Redis keys of one tenant. Every name starts with {@code gov:{tenant}:}, so all keys
 * a budget script touches share one hash tag and the scripts run unchanged on Redis Cluster.
 */
public final class TenantKeyNames {

  /** The set of tenants the sweeper visits; outside any tenant's slot, never used by a script. */
  public static final String TENANTS = "gov:tenants";

  private final String prefix;

  private TenantKeyNames(String tenant) {
    this.prefix = "gov:{" + tenant + "}:";
  }

  public static TenantKeyNames of(String tenant) {
    return new TenantKeyNames(tenant);
  }

  public String prefix() {
    return prefix;
  }

  /** The tenant's zone and every cap of every scope: one read per script. */
  public String config() {
    return prefix + "config";
  }

  public String idempotency(IdempotencyKey key) {
    return prefix + "idem:" + key.storedName();
  }

  public String ledger() {
    return prefix + "ledger";
  }

  public String events() {
    return prefix + "events";
  }

  public String reservationExpiry() {
    return prefix + "rexp";
  }

  public String reservation(ReservationId id) {
    return prefix + "r:" + id;
  }

  /** Field of the config hash holding one cap and its thresholds ({@code cap;pct,pct}). */
  public static String capField(Scope scope, Window window) {
    return scope.path() + '|' + window.wireName();
  }

  /** The usage counters of one scope, fields named {@code <window id>.<counter>}. */
  public String usage(Scope scope) {
    return prefix + "u:" + scope.path();
  }

  /**
   * The set of scopes the tenant holds usage counters for, at most {@code budget.maxScopes} ({@code
   * admit()} in budget_lib.lua adds a scope when it first counts it).
   */
  public String scopes() {
    return prefix + "scopes";
  }

  /**
   * The records the tenant's requests were charged in the {@link RecordCharge#WINDOW} that holds
   * {@code at} ({@code quota_key()} in budget_lib.lua): the n-th window since the epoch.
   */
  public String writeQuota(Instant at) {
    return prefix + "wq:" + at.toEpochMilli() / RecordCharge.WINDOW.toMillis();
  }

  public String usagePattern() {
    return prefix + "u:*";
  }

  /** The index of the tenant's active leases by expiry ({@code lexp}, claim_lib.lua). */
  public String leaseExpiry() {
    return prefix + "lexp";
  }

  /** The active lease sets of the tenant's subtrees ({@code sl:<subtree>}, claim_lib.lua). */
  public String subtreeLeasesPattern() {
    return prefix + "sl:*";
  }
}
