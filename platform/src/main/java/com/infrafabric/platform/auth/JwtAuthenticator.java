package com.infrafabric.platform.auth;

import com.infrafabric.platform.auth.AuthResult.Reason;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies bearer JWTs: the {@code alg} must be the configured one (so {@code none}, HMAC and RSA
 * tokens are refused whatever they claim), the header must mark no extension critical ({@link
 * CriticalHeaders}) and name a {@code kid} found in the operator's JWK set, the signature must
 * verify with that elliptic-curve public key, and issuer, audience, {@code exp} and {@code nbf}
 * must hold at the injected clock's time. Claims are only read after the signature has been
 * verified.
 *
 * <p>A token accepted once is remembered until it expires, for as long as the key that verified it
 * stays in the JWK set ({@link VerifiedTokens}), so a client reusing it is not verified again on
 * every request.
 *
 * <p>Thread-safe. {@link #authenticate} never blocks: the key file is read through the Vert.x file
 * system.
 */
public final class JwtAuthenticator {

  static final int REMEMBERED_TOKENS = 10_000;

  private final JWSAlgorithm algorithm;
  private final JwksFile jwks;
  private final ClaimsCheck claims;
  private final VerifiedTokens verified;

  private JwtAuthenticator(
      JWSAlgorithm algorithm, JwksFile jwks, ClaimsCheck claims, VerifiedTokens verified) {
    this.algorithm = algorithm;
    this.jwks = jwks;
    this.claims = claims;
    this.verified = verified;
  }

  public static JwtAuthenticator create(Vertx vertx, JwtSettings settings, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new JwtAuthenticator(
        JWSAlgorithm.parse(settings.algorithm()),
        new JwksFile(vertx, settings.jwksFile(), clock, settings.jwksRefresh()),
        new ClaimsCheck(settings, clock),
        new VerifiedTokens(REMEMBERED_TOKENS, settings.clockSkew(), clock));
  }

  /** Reads the key file; a service calls this at start so a bad file stops it there. */
  public Future<Void> loadKeys() {
    return jwks.read().mapEmpty();
  }

  /**
   * Checks {@code token} (the text after {@code Bearer }). A refused token is a succeeded future
   * with a {@link AuthResult.Rejected}; the future fails only if the key file was never readable.
   */
  public Future<AuthResult> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.succeededFuture(AuthResult.rejected(Reason.MISSING));
    }
    Optional<VerifiedTokens.Remembered> known = verified.lookup(token);
    if (known.isEmpty()) {
      return verifyAndRemember(token);
    }
    VerifiedTokens.Remembered remembered = known.get();
    return jwks.current()
        .compose(
            keys ->
                remembered.stillSignedBy(keys)
                    ? Future.succeededFuture(new AuthResult.Authenticated(remembered.principal()))
                    : verifyAndRemember(token));
  }

  private Future<AuthResult> verifyAndRemember(String token) {
    SignedJWT jwt;
    try {
      if (!CompactJws.canonical(token)) {
        throw new ParseException("not a canonical compact JWS", 0);
      }
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      return Future.succeededFuture(AuthResult.rejected(Reason.MALFORMED));
    }
    JWSHeader header = jwt.getHeader();
    if (!algorithm.equals(header.getAlgorithm())) {
      return Future.succeededFuture(AuthResult.rejected(Reason.ALGORITHM));
    }
    if (CriticalHeaders.refusal(header).isPresent()) {
      return Future.succeededFuture(AuthResult.rejected(Reason.CRITICAL_HEADER));
    }
    String kid = header.getKeyID();
    if (kid == null || kid.isBlank()) {
      return Future.succeededFuture(AuthResult.rejected(Reason.MISSING_KEY_ID));
    }
    return jwks.current()
        .compose(
            keys ->
                usableKey(keys, kid) != null
                    ? Future.succeededFuture(keys)
                    : jwks.afterUnknownKey())
        .map(
            keys -> {
              ECKey key = usableKey(keys, kid);
              return remembered(token, jwt, key, verify(jwt, key));
            });
  }

  private AuthResult remembered(String token, SignedJWT jwt, ECKey key, AuthResult result) {
    if (result instanceof AuthResult.Authenticated accepted) {
      try {
        verified.remember(
            token,
            accepted.principal(),
            key,
            jwt.getJWTClaimsSet().getExpirationTime().toInstant());
      } catch (ParseException e) {
        throw new IllegalStateException("accepted claims were parsed once already", e);
      }
    }
    return result;
  }

  private AuthResult verify(SignedJWT jwt, ECKey key) {
    if (key == null) {
      return AuthResult.rejected(Reason.UNKNOWN_KEY);
    }
    try {
      if (!jwt.verify(new ECDSAVerifier(key))) {
        return AuthResult.rejected(Reason.SIGNATURE);
      }
      return claims.check(jwt.getPayload().toJSONObject(), jwt.getJWTClaimsSet());
    } catch (JOSEException e) {
      return AuthResult.rejected(Reason.SIGNATURE);
    } catch (ParseException e) {
      return AuthResult.rejected(Reason.MALFORMED);
    }
  }

  /** The key with this id if it is a signing EC public key on the configured algorithm's curve. */
  private ECKey usableKey(JWKSet keys, String kid) {
    JWK key = keys.getKeyByKeyId(kid);
    if (!(key instanceof ECKey ec)) {
      return null;
    }
    boolean rightCurve = Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve());
    boolean forSigning = ec.getKeyUse() == null || KeyUse.SIGNATURE.equals(ec.getKeyUse());
    boolean rightAlgorithm = ec.getAlgorithm() == null || algorithm.equals(ec.getAlgorithm());
    return rightCurve && forSigning && rightAlgorithm ? ec : null;
  }
}
