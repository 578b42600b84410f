package com.infrafabric.chassis;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The publisher keys the operator trusts, and the publisher each one signs for. A publisher, not a
 * key, owns a tool name and its tenants' kv data: a key is only how it signs today, so a publisher
 * that rotates its key keeps both. A key names its publisher with a {@code "publisher"} member
 * beside its {@code kid}; a key without one is its own publisher, named by its kid. A rotated key
 * therefore names the publisher of the key it replaces ({@code "publisher": "<old kid>"} if that
 * one names none), and a key set written before publishers were named keeps every identity.
 * Immutable.
 */
public final class TrustedPublishers {

  /** The JWK member naming the publisher a key signs for. */
  public static final String PUBLISHER_MEMBER = "publisher";

  private final Map<String, PublisherKey> byKeyId;

  /**
   * A trusted key and the publisher it signs for.
   *
   * @param key the public EC P-256 key
   * @param publisher the publisher's identity: its {@code "publisher"} member, else its {@code kid}
   */
  public record PublisherKey(ECKey key, String publisher) {}

  private TrustedPublishers(Map<String, PublisherKey> byKeyId) {
    this.byKeyId = Map.copyOf(byKeyId);
  }

  /**
   * The trusted publisher keys of a JWKS document: public EC P-256 keys, each with its own {@code
   * kid} and optionally a {@code publisher}.
   *
   * @throws IllegalArgumentException naming the key that is unusable
   */
  public static TrustedPublishers parse(String jwks) {
    Map<String, PublisherKey> byKeyId = new LinkedHashMap<>();
    for (Map<String, Object> member : members(jwks)) {
      PublisherKey key = key(member);
      String keyId = key.key().getKeyID();
      if (byKeyId.putIfAbsent(keyId, key) != null) {
        throw new IllegalArgumentException("trustedPublishers holds two keys with kid " + keyId);
      }
    }
    if (byKeyId.isEmpty()) {
      throw new IllegalArgumentException("trustedPublishers must hold at least one key");
    }
    return new TrustedPublishers(byKeyId);
  }

  /** The trusted key whose {@code kid} is {@code keyId}, if there is one. */
  public Optional<PublisherKey> key(String keyId) {
    return Optional.ofNullable(byKeyId.get(keyId));
  }

  private static Map<String, Object>[] members(String jwks) {
    Map<String, Object>[] keys;
    try {
      keys = JSONObjectUtils.getJSONObjectArray(JSONObjectUtils.parse(jwks), "keys");
    } catch (ParseException e) {
      throw notJwks();
    }
    if (keys == null) {
      throw notJwks();
    }
    return keys;
  }

  private static PublisherKey key(Map<String, Object> member) {
    JWK key;
    try {
      key = JWK.parse(member);
    } catch (ParseException e) {
      throw notJwks();
    }
    if (key.getKeyID() == null) {
      throw new IllegalArgumentException("trustedPublishers holds a key without a kid");
    }
    if (!(key instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
      throw new IllegalArgumentException(
          "trustedPublishers key " + key.getKeyID() + " is not an EC P-256 key");
    }
    if (key.isPrivate()) {
      throw new IllegalArgumentException(
          "trustedPublishers key " + key.getKeyID() + " holds a private key");
    }
    return new PublisherKey(ec, publisher(member, key.getKeyID()));
  }

  private static String publisher(Map<String, Object> member, String keyId) {
    if (!member.containsKey(PUBLISHER_MEMBER)) {
      return keyId;
    }
    if (member.get(PUBLISHER_MEMBER) instanceof String publisher && !publisher.isBlank()) {
      return publisher;
    }
    throw new IllegalArgumentException(
        "trustedPublishers key " + keyId + " has a publisher that is not a non-blank string");
  }

  private static IllegalArgumentException notJwks() {
    return new IllegalArgumentException("trustedPublishers is not a valid JWKS document");
  }
}
