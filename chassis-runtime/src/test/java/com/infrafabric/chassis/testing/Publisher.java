package com.infrafabric.chassis.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.util.List;

/** A contract publisher with its own EC P-256 key, for signing contracts in tests. */
public final class Publisher {

  private final ECKey key;

  private Publisher(ECKey key) {
    this.key = key;
  }

  public static Publisher generate(String keyId) {
    try {
      return new Publisher(new ECKeyGenerator(Curve.P_256).keyID(keyId).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("every JDK can generate P-256 keys", e);
    }
  }

  /** The JWKS the operator would configure to trust {@code publishers}. */
  public static String jwks(Publisher... publishers) {
    return new JWKSet(
            List.of(publishers).stream()
                .map(p -> p.key.toPublicJWK())
                .map(k -> (com.nimbusds.jose.jwk.JWK) k)
                .toList())
        .toString();
  }

  /** Signs {@code payload} with ES256 under this publisher's kid. */
  public String sign(String payload) {
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), payload);
  }

  /** Signs {@code payload} with this key under any header, for forgery tests. */
  public String sign(JWSHeader header, String payload) {
    try {
      JWSObject object = new JWSObject(header, new Payload(payload));
      object.sign(new ECDSASigner(key));
      return object.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
  }

  public ECKey key() {
    return key;
  }
}
