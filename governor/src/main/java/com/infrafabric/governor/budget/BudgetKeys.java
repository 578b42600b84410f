package com.infrafabric.governor.budget;

/**
 * Names of the Redis keys of one tenant. Every name starts with {@code gov:{tenant}:}, so all keys
 * a budget script touches share one hash tag and the scripts run unchanged on Redis Cluster.
 */
final class BudgetKeys {

  /** The set of tenants the sweeper visits; outside any tenant's slot, never used by a script. */
  static final String TENANTS = "gov:tenants";

  private final String prefix;

  private BudgetKeys(String tenant) {
    this.prefix = "gov:{" + tenant + "}:";
  }

  static BudgetKeys of(String tenant) {
    return new BudgetKeys(tenant);
  }

  String prefix() {
    return prefix;
  }

  /** The tenant's zone and every cap of every scope: one read per script. */
  String config() {
    return prefix + "config";
  }

  String idempotency(IdempotencyKey key) {
    return prefix + "idem:" + key.storedName();
  }

  String ledger() {
    return prefix + "ledger";
  }

  String events() {
    return prefix + "events";
  }

  String reservationExpiry() {
    return prefix + "rexp";
  }

  String reservation(ReservationId id) {
    return prefix + "r:" + id;
  }

  /** Field of the config hash holding one cap and its thresholds ({@code cap;pct,pct}). */
  static String capField(Scope scope, Window window) {
    return scope.path() + '|' + window.wireName();
  }

  /** The usage counters of one scope, fields named {@code <window id>.<counter>}. */
  String usage(Scope scope) {
    return prefix + "u:" + scope.path();
  }

  String usagePattern() {
    return prefix + "u:*";
  }
}
