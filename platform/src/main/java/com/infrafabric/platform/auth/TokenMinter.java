package com.infrafabric.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs tokens with the private key of a {@link SigningKeyPair}: for operators (through {@link
 * TokenCli}) and tests. Services never mint; they only verify.
 */
public final class TokenMinter {

  private final ECKey key;
  private final JWSAlgorithm algorithm;

  private TokenMinter(ECKey key, JWSAlgorithm algorithm) {
    this.key = key;
    this.algorithm = algorithm;
  }

  /**
   * A minter for the one private EC key in {@code privateJwks}.
   *
   * @throws IllegalArgumentException if the set has no private EC key or more than one (the message
   *     never repeats key material)
   */
  public static TokenMinter fromPrivateJwks(String privateJwks) {
    List<JWK> keys;
    try {
      keys = JWKSet.parse(privateJwks).getKeys();
    } catch (ParseException e) {
      throw new IllegalArgumentException("the private key file is not a JWK set");
    }
    List<ECKey> signing =
        keys.stream()
            .filter(k -> k instanceof ECKey && k.isPrivate())
            .map(ECKey.class::cast)
            .toList();
    if (signing.size() != 1) {
      throw new IllegalArgumentException(
          "the private key file must hold exactly one private EC key, found " + signing.size());
    }
    ECKey key = signing.get(0);
    return new TokenMinter(key, algorithmFor(key));
  }

  /** A minter for the private JWK set file {@code file}. */
  public static TokenMinter load(Path file) {
    try {
      return fromPrivateJwks(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the private key file " + file, e);
    }
  }

  public String keyId() {
    return key.getKeyID();
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
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims.build());
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with key " + key.getKeyID(), e);
    }
    return jwt.serialize();
  }

  private static JWSAlgorithm algorithmFor(ECKey key) {
    if (key.getAlgorithm() != null
        && JwtSettings.ALGORITHMS.contains(key.getAlgorithm().getName())) {
      return JWSAlgorithm.parse(key.getAlgorithm().getName());
    }
    for (String name : JwtSettings.ALGORITHMS) {
      JWSAlgorithm candidate = JWSAlgorithm.parse(name);
      if (Curve.forJWSAlgorithm(candidate).contains(key.getCurve())) {
        return candidate;
      }
    }
    throw new IllegalArgumentException("key " + key.getKeyID() + " is on an unsupported curve");
  }
}
