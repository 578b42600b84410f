package com.infrafabric.chassis.testing;

import com.infrafabric.chassis.TrustedPublishers;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A contract publisher's EC P-256 key, for signing contracts in tests. A generated key is its own
 * publisher (named by its kid); a {@link #rotated} key signs for the publisher of the key it
 * replaces, as the operator's key set says with its {@code publisher} member.
 */
public final class Publisher {

  private final ECKey key;
  private final Optional<String> publisher;

  private Publisher(ECKey key, Optional<String> publisher) {
    this.key = key;
    this.publisher = publisher;
  }

  public static Publisher generate(String keyId) {
    return new Publisher(newKey(keyId), Optional.empty());
  }

  /** A new key {@code keyId} of this key's publisher, as a key rotation gives it. */
  public Publisher rotated(String keyId) {
    return new Publisher(newKey(keyId), Optional.of(publisher()));
  }

  /** The publisher this key signs for. */
  public String publisher() {
    return publisher.orElse(key.getKeyID());
  }

  /** The JWKS the operator would configure to trust {@code publishers}. */
  public static String jwks(Publisher... publishers) {
    List<Map<String, Object>> keys = new ArrayList<>();
    for (Publisher p : publishers) {
      Map<String, Object> member = p.key.toPublicJWK().toJSONObject();
      p.publisher.ifPresent(name -> member.put(TrustedPublishers.PUBLISHER_MEMBER, name));
      keys.add(member);
    }
    return JSONObjectUtils.toJSONString(Map.of("keys", keys));
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

  private static ECKey newKey(String keyId) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("every JDK can generate P-256 keys", e);
    }
  }
}
