package com.infrafabric.governor.budget;

import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.wire.grant.Grant;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A pre-authorisation before an LLM call: hold {@code estimate} on {@code scope} and every budgeted
 * ancestor for {@code ttl}, or refuse.
 *
 * @param scope where the call is charged
 * @param estimate what the call may cost at most
 * @param ttl how long the hold lasts before it is released automatically; null for the default
 * @param idempotencyKey names this request for safe retries
 * @param attribution who makes the call, written into the ledger entry
 * @param content a digest of what the call sends beyond its estimate (the gateway's request body,
 *     {@link com.infrafabric.governor.tenant.Fingerprint#digest}), bound to the idempotency key
 *     with the estimate, so that the key names one request; empty when the estimate is the whole
 *     request
 * @param holder who may commit or release it ({@link ReservationHolder}); {@link
 *     ReservationHolder#NONE} for anyone whose subtree covers the scope
 * @param grant the grant, signed by this governor and verified, the hold is made under: refused if
 *     the grant's lease ended, if the hold would outlive it, or if the grant's holds and spend
 *     would pass its cost cap with it; empty for a caller whose token alone confines it
 */
public record ReserveRequest(
    Scope scope,
    Spend estimate,
    Duration ttl,
    IdempotencyKey idempotencyKey,
    CallAttribution attribution,
    String content,
    ReservationHolder holder,
    Optional<Grant> grant) {

  public ReserveRequest {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(estimate, "estimate");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(attribution, "attribution");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(grant, "grant");
  }

  /** A reservation under no grant. */
  public ReserveRequest(
      Scope scope,
      Spend estimate,
      Duration ttl,
      IdempotencyKey idempotencyKey,
      CallAttribution attribution,
      String content,
      ReservationHolder holder) {
    this(scope, estimate, ttl, idempotencyKey, attribution, content, holder, Optional.empty());
  }

  /** A reservation without a holder whose estimate is the whole request. */
  public ReserveRequest(
      Scope scope,
      Spend estimate,
      Duration ttl,
      IdempotencyKey idempotencyKey,
      CallAttribution attribution) {
    this(scope, estimate, ttl, idempotencyKey, attribution, "", ReservationHolder.NONE);
  }

  /** A reservation without a holder or call attribution. */
  public ReserveRequest(Scope scope, Spend estimate, Duration ttl, IdempotencyKey idempotencyKey) {
    this(scope, estimate, ttl, idempotencyKey, CallAttribution.NONE);
  }
}
