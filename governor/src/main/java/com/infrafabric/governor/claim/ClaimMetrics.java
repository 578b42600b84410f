package com.infrafabric.governor.claim;

import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.registry.BreakerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim path's meters: claims by outcome, lease expiries, breaker transitions, and claim spend
 * per tenant split into total and wasted (Prometheus divides them for the cost-waste ratio across
 * every governor process; {@link ClaimEngine#costWaste} reads the exact tenant totals from Redis).
 *
 * <p>The counters of every claim and finish are kept once registered, as a registry lookup (a meter
 * id built and hashed) on every call costs more than the increment. They are registered on first
 * use, as before, so a series appears when its first event does. Thread-safe.
 */
final class ClaimMetrics {

  private final MeterRegistry meters;
  private final Map<String, Counter> claims = new ConcurrentHashMap<>();
  private final Map<String, Counter> totalSpend = new ConcurrentHashMap<>();
  private final Map<String, Counter> wastedSpend = new ConcurrentHashMap<>();

  ClaimMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void claim(ClaimOutcome outcome) {
    String tag = outcome instanceof NotClaimed notClaimed ? notClaimed.reason().code() : "claimed";
    claims.computeIfAbsent(tag, this::claimCounter).increment();
  }

  void spend(String tenant, FinishResult result) {
    totalSpend
        .computeIfAbsent(tenant, t -> spendCounter(t, "total"))
        .increment(result.actualMicros());
    if (result.late() || result.outcome() != TaskOutcome.SUCCEEDED) {
      wastedSpend
          .computeIfAbsent(tenant, t -> spendCounter(t, "wasted"))
          .increment(result.actualMicros());
    }
  }

  private Counter claimCounter(String outcome) {
    return Counter.builder("governor.claims")
        .description("Claims by outcome: claimed, or why not")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** Counts what a script did on the way: leases it expired, breakers it moved. */
  void sideEffects(JsonObject body) {
    JsonObject effects = body.getJsonObject("effects");
    long expired = Long.parseLong(effects.getString("leases_expired"));
    if (expired > 0) {
      Counter.builder("governor.lease.expiries")
          .description("Leases that ran out without a heartbeat")
          .register(meters)
          .increment(expired);
    }
    if (effects.getValue("transitions") instanceof JsonArray transitions) {
      for (int i = 0; i < transitions.size(); i++) {
        BreakerState.transitions(meters, transitions.getString(i)).increment();
      }
    }
  }

  private Counter spendCounter(String tenant, String kind) {
    return Counter.builder("governor.task.spend")
        .description("Spend reported on finished claims, micro-dollars; wasted: not succeeded")
        .baseUnit("microdollars")
        .tag("tenant", tenant)
        .tag("kind", kind)
        .register(meters);
  }
}
