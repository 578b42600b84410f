package com.infrafabric.platform.auth;

import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of checking a bearer token: a {@link Principal}, or why the token was refused. A
 * refusal is an expected outcome, not an exception.
 */
public sealed interface AuthResult {

  /** The token is valid. */
  record Authenticated(Principal principal) implements AuthResult {
    public Authenticated {
      Objects.requireNonNull(principal, "principal");
    }
  }

  /**
   * The token is refused.
   *
   * @param reason why, stable enough for logs and clients; never carries any part of the token
   */
  record Rejected(Reason reason) implements AuthResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a token was refused. */
  enum Reason {
    MISSING,
    MALFORMED,
    ALGORITHM,
    MISSING_KEY_ID,
    UNKNOWN_KEY,
    SIGNATURE,
    EXPIRED,
    /** Its {@code nbf} or its {@code iat} lies ahead of now by more than the clock skew. */
    NOT_YET_VALID,
    /** It would live longer than {@link JwtSettings#maxLifetime()}. */
    LIFETIME,
    ISSUER,
    AUDIENCE,
    CLAIMS,
    /** More than one credential: which one the request acts with would be the server's guess. */
    AMBIGUOUS;

    /** The lower-case name shown to clients, e.g. {@code not_yet_valid}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static AuthResult rejected(Reason reason) {
    return new Rejected(reason);
  }
}
