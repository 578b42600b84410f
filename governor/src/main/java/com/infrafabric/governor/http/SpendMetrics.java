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
    meters.counter("governor.reservations", "outcome", result).increment();
  }

  void committed(CommitResult result) {
    String outcome =
        result.replayed()
            ? "replayed"
            : result.late() ? "late" : result.overage() ? "overage" : "ok";
    meters.counter("governor.commits", "outcome", outcome).increment();
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.actualMicros());
    }
  }

  void charged(ChargeResult result) {
    meters
        .counter("governor.charges", "outcome", result.replayed() ? "replayed" : "ok")
        .increment();
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.amountMicros());
    }
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
