package com.infrafabric.wire.reservation;

import java.time.Duration;
import java.util.Objects;

/**
 * One LLM call's reservation, priced by the governor from the model and token counts.
 *
 * @param scope the budget scope the grant names, e.g. {@code acme/search/task-42}
 * @param model the model called
 * @param inputTokens the host's estimate of the prompt's tokens
 * @param maxOutputTokens the call's {@code max_tokens}: the most it can produce
 * @param ttl how long the hold lasts if neither committed nor released
 * @param idempotencyKey names this reservation, so a retried reserve returns the same one
 */
public record BudgetRequest(
    String scope,
    String model,
    long inputTokens,
    long maxOutputTokens,
    Duration ttl,
    String idempotencyKey) {

  public BudgetRequest {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
