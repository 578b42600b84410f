package com.infrafabric.benchmarks;

import com.infrafabric.governor.budget.BudgetEngine;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.CommitResult;
import com.infrafabric.governor.budget.ReserveOutcome;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The LLM call every charge-path benchmark reserves and then commits, so that the engine, the raw
 * scripts and the HTTP service are measured on the same work: an estimate for the call's input and
 * maximum output tokens, then the tokens it actually used.
 *
 * @param model the model and its price, published in the pricing catalogue before a run
 * @param inputTokens input tokens of the call, as reserved
 * @param maxOutputTokens output tokens the call may use at most, as reserved
 * @param used the tokens the call used, as committed
 */
public record BenchmarkCall(
    ModelPrice model, long inputTokens, long maxOutputTokens, TokenUsage used) {

  /** A mid-sized chat completion on a model priced like a current frontier model. */
  public static final BenchmarkCall TYPICAL =
      new BenchmarkCall(
          new ModelPrice("bench-model", 2_500_000, 1_250_000, 10_000_000),
          1_000,
          500,
          new TokenUsage(800, 100, 300));

  /** The reserved amount: every input token uncached and every allowed output token used. */
  public long estimateMicros() {
    return model.cost(new TokenUsage(inputTokens, 0, maxOutputTokens));
  }

  /** The committed amount. */
  public long usedMicros() {
    return model.cost(used);
  }

  /**
   * Reserves this call's estimate on {@code scope} through {@code engine}, then commits the tokens
   * it used, within {@code scope}, as the HTTP service does for an agent; each request under a key
   * from {@code keys}. The commit is chained onto the reservation's answer rather than awaited on
   * the caller's thread, which would add a wake-up of that thread and a hand-off to an event loop.
   */
  public Future<CommitResult> reserveCommit(
      BudgetEngine engine, Scope scope, Supplier<IdempotencyKey> keys) {
    String name = model.model();
    return engine
        .reserve(
            new ReserveRequest(
                scope, Spend.estimate(name, inputTokens, maxOutputTokens), null, keys.get()))
        .compose(
            outcome ->
                engine.commit(
                    new CommitRequest(
                        ((ReserveOutcome.Reserved) outcome).id(),
                        Spend.tokens(name, used),
                        keys.get(),
                        scope)));
  }
}
