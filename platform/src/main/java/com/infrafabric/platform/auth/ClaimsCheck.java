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

  private final JwtSettings settings;
  private final Clock clock;

  ClaimsCheck(JwtSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  AuthResult check(JWTClaimsSet claims) {
    Reason refused = refusal(claims);
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
