package com.infrafabric.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
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
import java.util.List;

/**
 * The one private EC key of a private JWK set (as {@link SigningKeyPair} writes it), with the JWS
 * algorithm its curve implies. It signs tokens ({@link TokenMinter}) and tool contracts. Error
 * messages never repeat key material; {@link #toString()} names the key id only.
 */
public final class SigningKey {

  private final ECKey key;
  private final JWSAlgorithm algorithm;

  /**
   * Made once, thread-safe, and not Nimbus' JCA signer: every claim signs a grant, and on JDK 17 a
   * SunEC signature costs about five times this one ({@link PrecomputedEcdsaSigner} says why).
   */
  private final JWSSigner signer;

  private final JWSHeader header;

  private SigningKey(ECKey key, JWSAlgorithm algorithm) {
    this.key = key;
    this.algorithm = algorithm;
    this.header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build();
    this.signer = PrecomputedEcdsaSigner.of(key, algorithm);
  }

  /**
   * The key in {@code privateJwks}.
   *
   * @throws IllegalArgumentException if the set has no private EC key or more than one, or the key
   *     is on a curve none of {@link JwtSettings#ALGORITHMS} uses
   */
  public static SigningKey fromPrivateJwks(String privateJwks) {
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
    return new SigningKey(key, algorithmFor(key));
  }

  /**
   * The key in the private JWK set file {@code file}.
   *
   * @throws IllegalArgumentException naming {@code file}, if it holds no usable key: an operator
   *     with several key files must learn which one is wrong
   */
  public static SigningKey load(Path file) {
    String jwks;
    try {
      jwks = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the private key file " + file, e);
    }
    try {
      return fromPrivateJwks(jwks);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public String keyId() {
    return key.getKeyID();
  }

  /** The JWS algorithm this key signs with: {@code ES256}, {@code ES384} or {@code ES512}. */
  public String algorithm() {
    return algorithm.getName();
  }

  /** Signs {@code payload} as a compact JWS whose header names this key's algorithm and kid. */
  public String sign(String payload) {
    JWSObject jws = new JWSObject(header, new Payload(payload));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with key " + keyId(), e);
    }
    return jws.serialize();
  }

  /** Signs {@code claims} as a JWT under this key's algorithm and kid. */
  String signJwt(JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with key " + keyId(), e);
    }
    return jwt.serialize();
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + keyId() + ", " + algorithm() + ']';
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
