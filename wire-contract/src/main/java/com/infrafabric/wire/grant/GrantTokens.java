package com.infrafabric.wire.grant;

import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.AuthResult.Authenticated;
import com.infrafabric.platform.auth.AuthResult.Rejected;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Fields;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grants as signed tokens: the governor signs with its key ({@link #sign}); the chassis verifies
 * with the governor's public JWK set through the same verifier that checks bearer tokens (ES256
 * only, {@code kid} required, issuer, audience and expiry checked), so there is one token
 * implementation, not two.
 *
 * <p>Claims: {@code sub} agent, {@code jti} grant id, {@code tenant}, {@code task}, {@code scope}
 * (budget scope), {@code tools}, {@code caps}, {@code creds}, {@code models} (lists), {@code
 * cost_cap}, {@code uses} and {@code until} (decimal strings; {@code until} repeats {@code exp} in
 * seconds because the verifier keeps registered claims to itself, and the chassis needs the expiry
 * to bound how long it remembers the grant's uses).
 */
public final class GrantTokens {

  /**
   * The most bytes of a signed grant: the chassis reads it from a request head, which Vert.x bounds
   * at 8 KiB and which also carries the caller's bearer token and the request's other headers.
   */
  public static final int MAX_BYTES = 6 * 1024;

  private static final long MAX_EPOCH_SECOND = Instant.MAX.getEpochSecond();

  private GrantTokens() {}

  /** Signs {@code grant} with the governor's key; valid from {@code now} to its expiry. */
  public static String sign(
      TokenMinter minter, String issuer, String audience, Grant grant, Clock clock) {
    Instant now = clock.instant();
    TokenSpec spec =
        TokenSpec.of(grant.agent(), issuer, audience, Duration.between(now, grant.expiresAt()))
            .withClaims(
                Map.of(
                    "jti", grant.id(),
                    "tenant", grant.tenant(),
                    "task", grant.task(),
                    "scope", grant.budgetScope(),
                    "cost_cap", Long.toString(grant.costCapMicros()),
                    "uses", Integer.toString(grant.maxUses()),
                    "until", Long.toString(grant.expiresAt().getEpochSecond())))
            .withListClaims(
                Map.of(
                    "tools", List.copyOf(grant.toolDigests()),
                    "caps", List.copyOf(grant.capabilities()),
                    "creds", List.copyOf(grant.credentials()),
                    "models", List.copyOf(grant.models())));
    return minter.mint(spec, now);
  }

  /**
   * Verifies a grant token with {@code verifier}, which must be configured with the governor's JWK
   * set, issuer and the chassis audience.
   */
  public static Future<GrantCheck> verify(JwtAuthenticator verifier, String token) {
    return verifier.authenticate(token).map(GrantTokens::toGrant);
  }

  private static GrantCheck toGrant(AuthResult result) {
    if (result instanceof Rejected rejected) {
      return new GrantCheck.Refused(rejected.reason());
    }
    Principal claims = ((Authenticated) result).principal();
    try {
      return new GrantCheck.Valid(
          new Grant(
              required(claims, "jti"),
              claims.subject(),
              required(claims, "tenant"),
              required(claims, "task"),
              required(claims, "scope"),
              set(claims, "tools"),
              set(claims, "caps"),
              set(claims, "creds"),
              set(claims, "models"),
              number(claims, "cost_cap", 0, Long.MAX_VALUE),
              (int) number(claims, "uses", 0, Integer.MAX_VALUE),
              Instant.ofEpochSecond(number(claims, "until", 0, MAX_EPOCH_SECOND))));
    } catch (IllegalArgumentException | ApiException malformed) {
      return new GrantCheck.Refused(AuthResult.Reason.CLAIMS);
    }
  }

  /** A number claim, carried as decimal text, read strictly (no sign, no wrap into an int). */
  private static long number(Principal claims, String name, long min, long max) {
    return Fields.decimal(name, required(claims, name), min, max);
  }

  private static String required(Principal claims, String name) {
    return claims
        .stringClaim(name)
        .orElseThrow(() -> new IllegalArgumentException("grant claim " + name + " is missing"));
  }

  private static Set<String> set(Principal claims, String name) {
    return new HashSet<>(claims.stringListClaim(name));
  }
}
