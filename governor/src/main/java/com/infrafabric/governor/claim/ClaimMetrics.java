package com.infrafabric.governor.claim;

import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.registry.BreakerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The claim path's meters: claims by outcome, lease expiries, breaker transitions, and claim spend
 * per tenant split into total and wasted (Prometheus divides them for the cost-waste ratio across
 * every governor process; {@link ClaimEngine#costWaste} reads the exact tenant totals from Redis).
 */
final class ClaimMetrics {

  private final MeterRegistry meters;

  ClaimMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void claim(ClaimOutcome outcome) {
    String tag = outcome instanceof NotClaimed notClaimed ? notClaimed.reason().code() : "claimed";
    Counter.builder("governor.claims")
        .description("Claims by outcome: claimed, or why not")
        .tag("outcome", tag)
        .register(meters)
        .increment();
  }

  void spend(String tenant, FinishResult result) {
    spendCounter(tenant, "total").increment(result.actualMicros());
    if (result.late() || result.outcome() != TaskOutcome.SUCCEEDED) {
      spendCounter(tenant, "wasted").increment(result.actualMicros());
    }
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
