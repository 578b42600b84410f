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
 * @param holder who commits: a reservation with a holder is settled by it alone ({@link
 *     ReservationHolder}); {@link ReservationHolder#NONE} settles only reservations without one
 * @param attribution who made the call and how it went, written into the ledger entry
 */
public record CommitRequest(
    ReservationId reservation,
    Spend actual,
    IdempotencyKey idempotencyKey,
    Scope within,
    ReservationHolder holder,
    CallAttribution attribution) {

  public CommitRequest {
    Objects.requireNonNull(reservation, "reservation");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(attribution, "attribution");
  }

  /** A commit by {@code holder}, without call attribution. */
  public CommitRequest(
      ReservationId reservation,
      Spend actual,
      IdempotencyKey idempotencyKey,
      Scope within,
      ReservationHolder holder) {
    this(reservation, actual, idempotencyKey, within, holder, CallAttribution.NONE);
  }

  /** A commit by a caller holding nothing, without call attribution. */
  public CommitRequest(
      ReservationId reservation, Spend actual, IdempotencyKey idempotencyKey, Scope within) {
    this(reservation, actual, idempotencyKey, within, ReservationHolder.NONE);
  }

  /** A commit by a caller holding nothing, allowed to touch any scope. */
  public CommitRequest(ReservationId reservation, Spend actual, IdempotencyKey idempotencyKey) {
    this(reservation, actual, idempotencyKey, null);
  }
}
