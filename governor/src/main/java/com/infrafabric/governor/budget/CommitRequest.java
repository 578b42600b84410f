package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import java.util.Objects;

/**
 * Settles a reservation with what the call actually cost.
 *
 * @param reservation the reservation to settle
 * @param actual the actual cost (tokens on the model really used, or an amount)
 * @param idempotencyKey names this request for safe retries
 * @param within the subtree the caller may touch, or null for any; a reservation outside it is
 *     reported as not found, so a caller learns nothing about other scopes
 * @param attribution who made the call and how it went, written into the ledger entry
 */
public record CommitRequest(
    ReservationId reservation,
    Spend actual,
    IdempotencyKey idempotencyKey,
    Scope within,
    CallAttribution attribution) {

  public CommitRequest {
    Objects.requireNonNull(reservation, "reservation");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(attribution, "attribution");
  }

  /** A commit without call attribution. */
  public CommitRequest(
      ReservationId reservation, Spend actual, IdempotencyKey idempotencyKey, Scope within) {
    this(reservation, actual, idempotencyKey, within, CallAttribution.NONE);
  }

  /** A commit by a caller allowed to touch any scope. */
  public CommitRequest(ReservationId reservation, Spend actual, IdempotencyKey idempotencyKey) {
    this(reservation, actual, idempotencyKey, null);
  }
}
