package com.infrafabric.wire.reservation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One LLM call's reservation, priced by the governor from the model and token counts.
 *
 * @param scope the budget scope the grant names, e.g. {@code acme/search/task-42}
 * @param model the model called
 * @param inputTokens the host's estimate of the prompt's tokens
 * @param maxOutputTokens the call's {@code max_tokens}: the most it can produce
 * @param ttl how long the hold lasts if neither committed nor released
 * @param idempotencyKey names this reservation, so a retried reserve returns the same one
 * @param grantToken the signed grant the call is made under, as the chassis verified it: the
 *     governor holds a reservation of the chassis service only under a grant it signed ({@link
 *     ReservationWire#GRANT}); empty for a caller whose own token confines it to the scope
 */
public record BudgetRequest(
    String scope,
    String model,
    long inputTokens,
    long maxOutputTokens,
    Duration ttl,
    String idempotencyKey,
    Optional<String> grantToken) {

  public BudgetRequest {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(grantToken, "grantToken");
  }

  /** Leaves the grant token out: it must not reach logs. */
  @Override
  public String toString() {
    return "BudgetRequest[scope="
        + scope
        + ", model="
        + model
        + ", inputTokens="
        + inputTokens
        + ", maxOutputTokens="
        + maxOutputTokens
        + ", ttl="
        + ttl
        + ", idempotencyKey="
        + idempotencyKey
        + ", grant="
        + (grantToken.isPresent() ? "<token>" : "none")
        + ']';
  }
}
