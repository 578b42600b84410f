package com.infrafabric.hostapi.abi;

import java.util.Arrays;
import java.util.Optional;

/**
 * Negative results of host functions. The numeric values are part of the ABI and never change
 * meaning; new errors take new numbers.
 */
public enum AbiError {
  /** An argument is malformed: a key with forbidden bytes, a bad log level, invalid JSON. */
  INVALID_ARGUMENT(-1),
  /** The key (or other named thing) does not exist. */
  NOT_FOUND(-2),
  /** The destination buffer is smaller than the data; nothing was copied. */
  BUFFER_TOO_SMALL(-3),
  /** A storage quota (bytes or keys) would be exceeded; nothing was stored. */
  QUOTA_EXCEEDED(-4),
  /** The destination is not allowed by the contract or by the operator's address policy. */
  DENIED(-5),
  /** The outbound operation did not finish within its timeout. */
  TIMEOUT(-6),
  /** A backend (the store, the remote peer) could not be reached; retrying later may work. */
  UNAVAILABLE(-7),
  /** The response exceeded its size cap and was discarded. */
  TOO_LARGE(-8),
  /** The per-invocation count of this kind of request is used up. */
  REQUEST_LIMIT(-9),
  /** {@code result_read} was called with no pending result. */
  NO_RESULT(-10),
  /**
   * The governor's budget or the grant's cost cap has no room for the call's estimated cost;
   * nothing was spent. The pending result names the remaining budget ({@code remaining_micros}).
   */
  BUDGET_DENIED(-11),
  /**
   * The model is not in both the contract's and the grant's model lists, or no provider serves it.
   */
  MODEL_NOT_ALLOWED(-12),
  /**
   * The credential is not named by both the contract and the invocation's grant, or the request's
   * destination is outside the credential's allowed origins, or is an origin status-only
   * credentials are bound to, none of which the invocation may use.
   */
  CREDENTIAL_NOT_GRANTED(-13),
  /**
   * The model provider failed, refused, or its circuit breaker is open; any reservation was
   * released and nothing was spent.
   */
  PROVIDER_UNAVAILABLE(-14);

  private final int code;

  AbiError(int code) {
    this.code = code;
  }

  /** The value a host function returns to the guest. */
  public int code() {
    return code;
  }

  /** The error a guest-visible code stands for, if it is one. */
  public static Optional<AbiError> ofCode(int code) {
    return Arrays.stream(values()).filter(e -> e.code == code).findFirst();
  }
}
