package com.infrafabric.governor.budget;

import java.util.Objects;

/**
 * Settles a reservation with what the call actually cost.
 *
 * @param reservation the reservation to settle
 * @param actual the actual cost (tokens on the model really used, or an amount)
 * @param idempotencyKey names this request for safe retries
 */
public record CommitRequest(
    ReservationId reservation, Spend actual, IdempotencyKey idempotencyKey) {

  public CommitRequest {
    Objects.requireNonNull(reservation, "reservation");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
