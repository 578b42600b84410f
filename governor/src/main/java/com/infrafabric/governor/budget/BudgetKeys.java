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

  String tenant() {
    return prefix + "tenant";
  }

  String idempotency(IdempotencyKey key) {
    return prefix + "idem:" + key.value();
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

  String budget(Scope scope) {
    return prefix + "b:" + scope.path();
  }

  String usage(Scope scope, String windowId) {
    return prefix + "u:" + scope.path() + '|' + windowId;
  }
}
