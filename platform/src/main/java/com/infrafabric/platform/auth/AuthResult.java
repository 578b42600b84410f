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

  /**
   * Why a token was refused: a stable code for programs, and a sentence for people, which every
   * answer's message carries, since not every error shape a service speaks has a place for the
   * code.
   */
  enum Reason {
    MISSING("no credential was sent"),
    MALFORMED("the credential sent is not well formed"),
    ALGORITHM("the token is not signed with the accepted algorithm"),
    MISSING_KEY_ID("the token names no signing key"),
    /** Its {@code crit} header is empty or lists an extension ({@link CriticalHeaders}). */
    CRITICAL_HEADER("the token's crit header is empty or names an extension this service lacks"),
    UNKNOWN_KEY("the key the credential names is unknown, revoked or expired"),
    SIGNATURE("the token's signature does not verify"),
    EXPIRED("the token has expired"),
    /** Its {@code nbf} or its {@code iat} lies ahead of now by more than the clock skew. */
    NOT_YET_VALID("the token is not valid yet"),
    /** It would live longer than {@link JwtSettings#maxLifetime()}. */
    LIFETIME("the token would live longer than this service accepts"),
    ISSUER("the token's issuer is not trusted"),
    AUDIENCE("the token is meant for another audience"),
    CLAIMS("the token's claims are missing or malformed"),
    /** More than one credential: which one the request acts with would be the server's guess. */
    AMBIGUOUS("the request carries two different credentials; send one");

    private final String sentence;

    Reason(String sentence) {
      this.sentence = sentence;
    }

    /** The lower-case name shown to clients, e.g. {@code not_yet_valid}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Why, in a lower-case clause without a final stop, e.g. {@code the token has expired}; like
     * the code, it never carries any part of the token.
     */
    public String sentence() {
      return sentence;
    }
  }

  static AuthResult rejected(Reason reason) {
    return new Rejected(reason);
  }
}
