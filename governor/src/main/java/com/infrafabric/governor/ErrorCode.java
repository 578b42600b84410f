package com.infrafabric.governor;

/**
 * Stable machine codes of governor errors and the kind of failure each one is. Codes never change
 * meaning once published; new ones are added.
 */
public enum ErrorCode {
  /** A field is missing or malformed (syntax). */
  INVALID_REQUEST(Kind.MALFORMED),
  /** A scope path is not a valid path. */
  INVALID_SCOPE(Kind.MALFORMED),
  /** An idempotency key is missing or malformed. */
  INVALID_IDEMPOTENCY_KEY(Kind.MALFORMED),
  /** An amount or token count is negative, zero where it must not be, or too large. */
  INVALID_AMOUNT(Kind.SEMANTIC),
  /** A cap, threshold, TTL or zone is out of range. */
  INVALID_BUDGET(Kind.SEMANTIC),
  /** No scope on the path has a budget, or the tenant is not known. */
  SCOPE_UNKNOWN(Kind.SEMANTIC),
  /** The pricing catalogue has no such model. */
  MODEL_UNKNOWN(Kind.SEMANTIC),
  /** The pricing catalogue is invalid. */
  INVALID_PRICING(Kind.SEMANTIC),
  /** No such reservation (never existed, or its record has aged out). */
  RESERVATION_NOT_FOUND(Kind.NOT_FOUND),
  /** The reservation was already committed or released and cannot take this operation. */
  RESERVATION_NOT_ACTIVE(Kind.CONFLICT),
  /** A claim's hold: only the lease's finish, or its end, settles it. */
  RESERVATION_HELD_BY_LEASE(Kind.CONFLICT),
  /**
   * The reservation is held by another principal (another agent, the gateway, the chassis): only
   * its holder commits or releases it, or its expiry ends it.
   */
  RESERVATION_HELD_BY_ANOTHER(Kind.CONFLICT),
  /**
   * The operation would take a usage counter, or spent + reserved, of some scope and window past
   * {@code Money.MAX_MICROS}; it was refused and recorded nothing.
   */
  COUNTER_LIMIT(Kind.CONFLICT),
  /**
   * The operation would count usage on a scope beyond the most a tenant holds counters for ({@code
   * budget.maxScopes}); it was refused and recorded nothing.
   */
  SCOPE_LIMIT(Kind.SEMANTIC),
  /**
   * The tenant's requests have been charged, in this hour, as many records as they may leave in the
   * shared store ({@code budget.tenantRecordsPerHour}); the request was refused and recorded
   * nothing. Its {@code Retry-After} says when the hour ends. Settling what was admitted is never
   * refused.
   */
  TENANT_WRITE_QUOTA(Kind.THROTTLED),
  /** The same idempotency key was used for a different request. */
  IDEMPOTENCY_CONFLICT(Kind.CONFLICT),
  /** The caller's expected version is not the current one. */
  VERSION_CONFLICT(Kind.CONFLICT),
  /** No budget is defined for this scope. */
  BUDGET_NOT_FOUND(Kind.NOT_FOUND),
  /** A tenant policy value is out of range. */
  INVALID_POLICY(Kind.SEMANTIC),
  /**
   * An agent contract is not a valid JWS signed by a trusted operator key for contracts (unsigned,
   * forged, unknown key, wrong audience or issuer, expired).
   */
  CONTRACT_REJECTED(Kind.FORBIDDEN),
  /** A capability name or level is malformed or out of range. */
  INVALID_CAPABILITY(Kind.MALFORMED),
  /** An agent contract is properly signed but what it says is invalid. */
  INVALID_CONTRACT(Kind.SEMANTIC),
  /** An agent contract is older than (or as old as, but different from) the registered one. */
  CONTRACT_STALE(Kind.CONFLICT),
  /** The tenant already holds as many agents as it may; remove one first. */
  AGENT_LIMIT_REACHED(Kind.CONFLICT),
  /** No such agent in this tenant. */
  AGENT_NOT_FOUND(Kind.NOT_FOUND),
  /** The agent still holds leases; drain it and let them finish first. */
  AGENT_BUSY(Kind.CONFLICT),
  /** No such task or lease (never claimed, or its record has aged out). */
  TASK_NOT_FOUND(Kind.NOT_FOUND),
  /** The task id is already used with another scope. */
  TASK_SCOPE_CONFLICT(Kind.CONFLICT),
  /** The lease is held by another agent than the one reporting on it. */
  LEASE_NOT_HELD(Kind.FORBIDDEN),
  /** The lease already ended (finished, or expired and finished late) and takes no more reports. */
  LEASE_ENDED(Kind.CONFLICT),
  /** No such virtual key in the caller's subtree (never created, or revoked). */
  KEY_NOT_FOUND(Kind.NOT_FOUND),
  /** The key has expired: it takes no new expiry nor a new secret. */
  KEY_EXPIRED(Kind.CONFLICT),
  /** The tenant already holds as many virtual keys as it may; revoke one first. */
  KEY_LIMIT_REACHED(Kind.CONFLICT),
  /** A spend report would cover more time or ledger entries than one request may read. */
  REPORT_TOO_LARGE(Kind.SEMANTIC),
  /** The tenant has budgets, so its zone cannot move under the windows' counted spend. */
  ZONE_IN_USE(Kind.CONFLICT),
  /**
   * The chassis service reserves only under a grant the governor signed (the request's {@code
   * grant} field), and this reservation names none.
   */
  GRANT_REQUIRED(Kind.FORBIDDEN),
  /** The grant is not one this governor signed, or no longer valid (expired, malformed). */
  GRANT_INVALID(Kind.FORBIDDEN),
  /** The grant's task's lease ended: every grant signed for it is void. */
  GRANT_REVOKED(Kind.FORBIDDEN),
  /** The reservation's scope lies outside the budget scope the grant names. */
  GRANT_SCOPE_MISMATCH(Kind.FORBIDDEN),
  /** The reservation would end after the grant does. */
  GRANT_EXPIRES_FIRST(Kind.FORBIDDEN),
  /**
   * The grant's holds and spend plus this reservation, or plus what this commit adds to them (above
   * its hold, or late), would pass the grant's cost cap (the wire contract's {@code
   * ReservationWire.GRANT_CAP_EXCEEDED}).
   */
  GRANT_CAP_EXCEEDED(Kind.FORBIDDEN);

  private final Kind kind;

  ErrorCode(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** What kind of failure a code is; the HTTP layer maps kinds to statuses. */
  public enum Kind {
    MALFORMED,
    SEMANTIC,
    NOT_FOUND,
    CONFLICT,
    /**
     * A signed proof (an agent contract, a grant) is not trusted or does not cover the request:
     * authenticated callers get 403.
     */
    FORBIDDEN,
    /** A quota that renews at a known time is spent: 429, with how long until it renews. */
    THROTTLED
  }
}
