package com.infrafabric.governor.tenant;

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
 *
 * <p>The engines count, not the routes: every path to the money (the REST API, the LLM gateway, a
 * claim's finish) is counted where it changes the counters, so none can be left out.
 */
public final class SpendMetrics {

  private final MeterCache<String, Counter> reservations;
  private final MeterCache<String, Counter> commits;
  private final MeterCache<String, Counter> charges;
  private final MeterCache<String, Counter> spend;
  private final MeterCache<TokenSeries, Counter> tokens;

  public SpendMetrics(MeterRegistry meters) {
    this.reservations =
        outcomes(
            meters,
            "governor.reservations",
            "Reservations by outcome (reserved, replayed, denied)");
    this.commits =
        outcomes(
            meters,
            "governor.commits",
            "Commits by outcome (ok, overage, late, settled_by_expiry, replayed)");
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

  /** A reservation's outcome: reserved, replayed or denied. */
  public void reservation(String outcome) {
    reservations.get(outcome).increment();
  }

  /**
   * A commit's outcome (ok, overage, late, settled_by_expiry or replayed) and, unless it spent
   * nothing (a replay, or a commit of a hold its expiry had committed already), the {@code micros}
   * of {@code tenant} it spent on {@code actual}.
   */
  public void commit(String outcome, String tenant, long micros, Spend actual) {
    commits.get(outcome).increment();
    if (!outcome.equals("replayed") && !outcome.equals("settled_by_expiry")) {
      spent(tenant, micros, actual);
    }
  }

  /** A direct charge of {@code micros} on {@code actual} for {@code tenant}, or its replay. */
  public void charge(boolean replayed, String tenant, long micros, Spend actual) {
    charges.get(replayed ? "replayed" : "ok").increment();
    if (!replayed) {
      spent(tenant, micros, actual);
    }
  }

  /** A claim's lease finished: what the task spent, committed on its hold, unless a replay. */
  public void finish(boolean replayed, String tenant, long micros, Spend actual) {
    if (!replayed) {
      spent(tenant, micros, actual);
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

  private void spent(String tenant, long micros, Spend actual) {
    spend.get(tenant).increment(micros);
    tokens(actual);
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
