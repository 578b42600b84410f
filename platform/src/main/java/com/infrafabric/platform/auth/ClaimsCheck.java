package com.infrafabric.platform.auth;

import com.infrafabric.platform.auth.AuthResult.Reason;
import com.infrafabric.platform.scope.ScopeGrammar;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the claims of a token whose signature is already verified, and turns them into a {@link
 * Principal}. Time comes from the injected clock, widened by the configured skew. A {@code scope}
 * claim must follow the {@link ScopeGrammar}, so every service reads the same tenant from it.
 */
final class ClaimsCheck {

  private static final Set<String> REGISTERED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat");

  private static final List<String> DATES = List.of("exp", "nbf", "iat");

  /** 9999-12-31T23:59:59Z in seconds: no token lives, or was issued, later. */
  private static final double MAX_NUMERIC_DATE = 253_402_300_799d;

  /** A subject names a principal in the ledger; no issuer needs more. */
  static final int MAX_SUBJECT_CHARS = 256;

  private final JwtSettings settings;
  private final Clock clock;

  ClaimsCheck(JwtSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * @param payload the claims as the token's JSON has them, before the JWT library coerces them: it
   *     reads a numeric {@code sub} as text and a date past 64 bits of milliseconds as a wrapped
   *     one
   * @param claims the same claims as the JWT library reads them
   */
  AuthResult check(Map<String, Object> payload, JWTClaimsSet claims) {
    Reason refused = payloadRefusal(payload);
    if (refused == null) {
      refused = refusal(claims);
    }
    if (refused != null) {
      return AuthResult.rejected(refused);
    }
    Principal principal;
    try {
      principal = principal(claims);
    } catch (ParseException | IllegalArgumentException e) {
      return AuthResult.rejected(Reason.CLAIMS);
    }
    if (principal.scope().filter(scope -> !ScopeGrammar.isScope(scope)).isPresent()) {
      return AuthResult.rejected(Reason.CLAIMS);
    }
    return new AuthResult.Authenticated(principal);
  }

  /**
   * Refuses what RFC 7519 does not allow and the JWT library would still read: a subject that is
   * not a string (RFC 7519 4.1.2), or one with control characters, which the subject would carry
   * into the ledger's {@code by} fields and a reservation's holder; a date that is not a number of
   * seconds from 1970 up to the year 9999 (a larger one wraps to the past when read as
   * milliseconds, and would be refused as expired for the wrong reason).
   */
  private static Reason payloadRefusal(Map<String, Object> payload) {
    if (!(payload.get("sub") instanceof String subject)
        || subject.length() > MAX_SUBJECT_CHARS
        || subject.chars().anyMatch(Character::isISOControl)) {
      return Reason.CLAIMS;
    }
    for (String date : DATES) {
      Object value = payload.get(date);
      if (value != null
          && !(value instanceof Number seconds
              && seconds.doubleValue() >= 0
              && seconds.doubleValue() <= MAX_NUMERIC_DATE)) {
        return Reason.CLAIMS;
      }
    }
    return null;
  }

  /** Returns why the claims are refused, or null if they are acceptable. */
  private Reason refusal(JWTClaimsSet claims) {
    Instant now = clock.instant();
    if (!settings.issuer().equals(claims.getIssuer())) {
      return Reason.ISSUER;
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(settings.audience())) {
      return Reason.AUDIENCE;
    }
    Date expires = claims.getExpirationTime();
    if (expires == null || claims.getSubject() == null || claims.getSubject().isBlank()) {
      return Reason.CLAIMS;
    }
    if (!now.isBefore(expires.toInstant().plus(settings.clockSkew()))) {
      return Reason.EXPIRED;
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(settings.clockSkew()).isBefore(notBefore.toInstant())) {
      return Reason.NOT_YET_VALID;
    }
    Date issued = claims.getIssueTime();
    if (issued != null && now.plus(settings.clockSkew()).isBefore(issued.toInstant())) {
      return Reason.NOT_YET_VALID;
    }
    Instant lifeStart = issued == null ? now.minus(settings.clockSkew()) : issued.toInstant();
    if (Duration.between(lifeStart, expires.toInstant()).compareTo(settings.maxLifetime()) > 0) {
      return Reason.LIFETIME;
    }
    return null;
  }

  private Principal principal(JWTClaimsSet claims) throws ParseException {
    // A claim present as null would be dropped below and read as absent, and an absent restriction
    // can mean none (a null scope read as a platform token, null models as every model); a null in
    // a list would be read as the text "null", or fail the reading of the roles: refuse either.
    for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
      Object value = claim.getValue();
      if (value == null || (value instanceof List<?> list && list.contains(null))) {
        throw new ParseException("claim " + claim.getKey() + " is or holds null", 0);
      }
    }
    // A scope claim that is not a string would be dropped below and leave a platform token: refuse.
    claims.getStringClaim(Principal.SCOPE);
    List<String> roles = claims.getStringListClaim(settings.rolesClaim());
    Map<String, String> strings = new HashMap<>();
    Map<String, List<String>> lists = new HashMap<>();
    claims
        .getClaims()
        .forEach(
            (name, value) -> {
              if (REGISTERED.contains(name) || name.equals(settings.rolesClaim())) {
                return;
              }
              if (value instanceof String text) {
                strings.put(name, text);
              } else if (value instanceof List<?> list) {
                // Every item kept, as text: a list claim dropped for one item of another type would
                // read as absent, and an absent restriction can mean none (the gateway's models).
                lists.put(name, list.stream().map(String::valueOf).toList());
              }
            });
    return new Principal(
        claims.getSubject(),
        roles == null ? Set.of() : new HashSet<>(roles),
        strings,
        lists,
        Optional.of(claims.getExpirationTime().toInstant().plus(settings.clockSkew())));
  }
}
