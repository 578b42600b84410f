package com.infrafabric.governor.http;

import com.infrafabric.governor.budget.ChargeResult;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the charge path counts: reservations by outcome, commits and charges, and money spent by
 * tenant. Replays are counted as replays and never add spend twice.
 */
final class SpendMetrics {

  private final MeterRegistry meters;

  SpendMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void reserved(ReserveOutcome outcome) {
    String result =
        outcome instanceof ReserveOutcome.Reserved reserved
            ? (reserved.replayed() ? "replayed" : "reserved")
            : "denied";
    count("governor.reservations", "Reservations by outcome (reserved, replayed, denied)", result);
  }

  void committed(CommitResult result) {
    String outcome =
        result.replayed()
            ? "replayed"
            : result.late() ? "late" : result.overage() ? "overage" : "ok";
    count("governor.commits", "Commits by outcome (ok, overage, late, replayed)", outcome);
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.actualMicros());
    }
  }

  void charged(ChargeResult result) {
    count(
        "governor.charges",
        "Direct charges by outcome (ok, replayed)",
        result.replayed() ? "replayed" : "ok");
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.amountMicros());
    }
  }

  private void count(String name, String description, String outcome) {
    Counter.builder(name)
        .description(description)
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }

  private void spent(String tenant, long micros) {
    Counter.builder("governor.spend")
        .description("Money spent, in micro-dollars")
        .baseUnit("microdollars")
        .tag("tenant", tenant)
        .register(meters)
        .increment(micros);
  }
}
