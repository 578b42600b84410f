package com.infrafabric.governor.http;

import com.infrafabric.governor.budget.ChargeResult;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.claim.FinishResult;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.platform.metrics.MeterCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the charge path counts: reservations by outcome, commits and charges, money spent by tenant
 * (commits, charges and finished claims), and the tokens of metered spend by model ({@code
 * governor_llm_tokens_total{model, kind}}, kind {@code input}, {@code cached_input} or {@code
 * output}; its cardinality is bounded by the pricing catalogue, since a model outside it is
 * refused). Replays are counted as replays and never add spend or tokens twice. Each counter is
 * registered once ({@link MeterCache}): a commit touches five of them.
 */
final class SpendMetrics {

  private final MeterCache<String, Counter> reservations;
  private final MeterCache<String, Counter> commits;
  private final MeterCache<String, Counter> charges;
  private final MeterCache<String, Counter> spend;
  private final MeterCache<TokenSeries, Counter> tokens;

  SpendMetrics(MeterRegistry meters) {
    this.reservations =
        outcomes(
            meters,
            "governor.reservations",
            "Reservations by outcome (reserved, replayed, denied)");
    this.commits =
        outcomes(meters, "governor.commits", "Commits by outcome (ok, overage, late, replayed)");
    this.charges = outcomes(meters, "governor.charges", "Direct charges by outcome (ok, replayed)");
    this.spend =
        new MeterCache<>(
            tenant ->
                Counter.builder("governor.spend")
                    .description("Money spent, in micro-dollars")
                    .baseUnit("microdollars")
                    .tag("tenant", tenant)
                    .register(meters));
    this.tokens = new MeterCache<>(series -> series.register(meters));
  }

  void reserved(ReserveOutcome outcome) {
    String result =
        outcome instanceof ReserveOutcome.Reserved reserved
            ? (reserved.replayed() ? "replayed" : "reserved")
            : "denied";
    reservations.get(result).increment();
  }

  void committed(Spend actual, CommitResult result) {
    String outcome =
        result.replayed()
            ? "replayed"
            : result.late() ? "late" : result.overage() ? "overage" : "ok";
    commits.get(outcome).increment();
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.actualMicros());
      tokens(actual);
    }
  }

  void charged(Spend actual, ChargeResult result) {
    charges.get(result.replayed() ? "replayed" : "ok").increment();
    if (!result.replayed()) {
      spent(result.scope().tenant(), result.amountMicros());
      tokens(actual);
    }
  }

  /** A claim's lease finished: what the task spent, committed on its hold. */
  void finished(Spend actual, FinishResult result) {
    if (!result.replayed()) {
      spent(result.lease().tenant(), result.actualMicros());
      tokens(actual);
    }
  }

  private static MeterCache<String, Counter> outcomes(
      MeterRegistry meters, String name, String description) {
    return new MeterCache<>(
        outcome ->
            Counter.builder(name)
                .description(description)
                .tag("outcome", outcome)
                .register(meters));
  }

  private void spent(String tenant, long micros) {
    spend.get(tenant).increment(micros);
  }

  private void tokens(Spend actual) {
    if (actual instanceof Spend.Metered metered) {
      TokenUsage usage = metered.usage();
      tokens(metered.model(), "input", usage.inputTokens());
      tokens(metered.model(), "cached_input", usage.cachedInputTokens());
      tokens(metered.model(), "output", usage.outputTokens());
    }
  }

  private void tokens(String model, String kind, long count) {
    tokens.get(new TokenSeries(model, kind)).increment(count);
  }

  /** The tag values of one {@code governor.llm.tokens} counter. */
  private record TokenSeries(String model, String kind) {
    Counter register(MeterRegistry meters) {
      return Counter.builder("governor.llm.tokens")
          .description("Tokens of metered commits and charges, by model and kind")
          .baseUnit("tokens")
          .tag("model", model)
          .tag("kind", kind)
          .register(meters);
    }
  }
}
