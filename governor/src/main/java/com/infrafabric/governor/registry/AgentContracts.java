package com.infrafabric.governor.registry;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Verifies agent contracts with the platform's token verifier: ES256 only (so unsigned, HMAC and
 * algorithm-confused contracts are refused), a key id found in the operator's contract JWK set, a
 * valid signature, the configured issuer, {@code exp} and {@code nbf} at the injected clock, and
 * the audience {@link #AUDIENCE}. That audience is what keeps an agent's own bearer token (signed
 * by the same issuer, perhaps even carrying capability claims) from passing as a contract.
 * Thread-safe; the key file is re-read when it changes, as for bearer tokens.
 */
public final class AgentContracts {

  /** The {@code aud} every contract carries, and no bearer token does. */
  public static final String AUDIENCE = "infrafabric-agent-contract";

  /**
   * The longest a contract's signature may be valid: a contract is a signed document an operator
   * renews (the CLI signs one for 30 days by default), not a session's bearer token.
   */
  public static final Duration MAX_SIGNATURE_LIFETIME = Duration.ofDays(366);

  private final JwtAuthenticator verifier;

  private AgentContracts(JwtAuthenticator verifier) {
    this.verifier = verifier;
  }

  /**
   * Trusts contracts signed by a key of {@code operatorJwks} (a public JWK set file) and issued by
   * {@code issuer}.
   */
  public static AgentContracts create(Vertx vertx, Path operatorJwks, String issuer, Clock clock) {
    return new AgentContracts(
        JwtAuthenticator.create(
            vertx,
            JwtSettings.of(operatorJwks, issuer, AUDIENCE).withMaxLifetime(MAX_SIGNATURE_LIFETIME),
            clock));
  }

  /**
   * The contract {@code jws} carries, once verified, with its expiry.
   *
   * @return a future failed with {@code CONTRACT_REJECTED} (detail {@code reason}: {@code
   *     signature}, {@code unknown_key}, {@code expired}, {@code audience}...) if the contract is
   *     not trusted, or {@code INVALID_CONTRACT} if it is trusted but says something invalid
   */
  Future<VerifiedContract> verify(String jws) {
    return verifier.authenticate(jws).map(result -> contract(jws, result));
  }

  private static VerifiedContract contract(String jws, AuthResult result) {
    if (result instanceof AuthResult.Authenticated authenticated) {
      return new VerifiedContract(
          AgentContract.fromPrincipal(authenticated.principal()), expiry(jws));
    }
    String reason = ((AuthResult.Rejected) result).reason().code();
    throw new GovernorException(
        ErrorCode.CONTRACT_REJECTED,
        "agent contract refused ("
            + reason
            + "): it must be a current ES256 JWS for audience "
            + AUDIENCE
            + ", signed by a trusted operator key",
        Map.of("reason", reason));
  }

  /**
   * The {@code exp} of a contract the verifier just accepted: it refuses one without {@code exp},
   * so a failure here is a bug, not a caller's mistake. (The verified principal carries only the
   * string claims; the registered ones are checked, not handed on.)
   */
  private static Instant expiry(String jws) {
    try {
      return SignedJWT.parse(jws).getJWTClaimsSet().getExpirationTime().toInstant();
    } catch (ParseException e) {
      throw new IllegalStateException("a verified contract no longer parses", e);
    }
  }
}
