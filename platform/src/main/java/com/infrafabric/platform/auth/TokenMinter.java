package com.infrafabric.platform.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs tokens with the private key of a {@link SigningKeyPair}: for operators (through the
 * distribution's {@code token} command) and tests. Services never mint; they only verify.
 */
public final class TokenMinter {

  private final SigningKey key;

  private TokenMinter(SigningKey key) {
    this.key = key;
  }

  /**
   * A minter for the one private EC key in {@code privateJwks}.
   *
   * @throws IllegalArgumentException if the set has no private EC key or more than one (the message
   *     never repeats key material)
   */
  public static TokenMinter fromPrivateJwks(String privateJwks) {
    return new TokenMinter(SigningKey.fromPrivateJwks(privateJwks));
  }

  /** A minter for the private JWK set file {@code file}. */
  public static TokenMinter load(Path file) {
    return new TokenMinter(SigningKey.load(file));
  }

  public String keyId() {
    return key.keyId();
  }

  /** Signs a token valid from {@code now} for {@code spec.ttl()}, with a random {@code jti}. */
  public String mint(TokenSpec spec, Instant now) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .subject(spec.subject())
            .issuer(spec.issuer())
            .audience(spec.audience())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(spec.ttl())))
            .jwtID(UUID.randomUUID().toString())
            .claim("roles", List.copyOf(spec.roles()));
    spec.stringClaims().forEach(claims::claim);
    spec.listClaims().forEach(claims::claim);
    return key.signJwt(claims.build());
  }
}
