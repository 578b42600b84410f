package com.infrafabric.llm.vault;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The operator's key ring for sealing credentials: 256-bit AES keys, each with a {@code kid}, given
 * as a JWK set of {@code oct} keys. The <b>first</b> key seals; every key opens, so a new key is
 * rotated in by putting it first, restarting, and calling {@link CredentialVault#reseal()}; the old
 * key can be removed once nothing is sealed under it.
 *
 * <p>Sealing is a compact JWE with {@code alg: dir}, {@code enc: A256GCM}, the key's {@code kid},
 * and a {@code ctx} header naming what the plaintext is for (a credential's name), which the
 * authenticated header binds: a sealed value moved to another name does not open.
 *
 * <p>Immutable and thread-safe. Held only by the chassis: it is never exposed through any API, and
 * {@link #toString()} names the key ids only.
 */
public final class MasterKeys {

  private static final String CONTEXT = "ctx";

  private final String currentKeyId;
  private final Map<String, SecretKey> keys;

  private MasterKeys(String currentKeyId, Map<String, SecretKey> keys) {
    this.currentKeyId = currentKeyId;
    this.keys = keys;
  }

  /**
   * Reads a JWK set of 256-bit {@code oct} keys, each with a distinct {@code kid}.
   *
   * @throws IllegalArgumentException naming the unusable key, never repeating key material
   */
  public static MasterKeys parse(String jwks) {
    List<JWK> found;
    try {
      found = JWKSet.parse(jwks).getKeys();
    } catch (ParseException e) {
      throw new IllegalArgumentException("the master key set is not a JWK set");
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("the master key set holds no key");
    }
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    for (JWK key : found) {
      String kid = key.getKeyID();
      if (kid == null || kid.isBlank()) {
        throw new IllegalArgumentException("the master key set holds a key without a kid");
      }
      if (!(key instanceof OctetSequenceKey oct) || oct.size() != 256) {
        throw new IllegalArgumentException("master key " + kid + " is not a 256-bit oct key");
      }
      if (keys.put(kid, oct.toSecretKey("AES")) != null) {
        throw new IllegalArgumentException("master key id " + kid + " appears twice");
      }
    }
    return new MasterKeys(found.get(0).getKeyID(), Map.copyOf(keys));
  }

  /** Reads the key set from {@code file}, which should be readable by the service user only. */
  public static MasterKeys fromFile(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the master key file " + file, e);
    }
  }

  /**
   * Reads the key set from the environment variable {@code variable}.
   *
   * @throws IllegalArgumentException if the variable is unset or blank
   */
  public static MasterKeys fromEnvironment(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + variable + " is not set");
    }
    return parse(value);
  }

  /**
   * A new key set text holding one fresh random key {@code kid}, for an operator to store (or to
   * put first in an existing set when rotating).
   */
  public static String generateJwks(String kid) {
    try {
      return new JWKSet(new OctetSequenceKeyGenerator(256).keyID(kid).generate()).toString(false);
    } catch (JOSEException e) {
      throw new IllegalStateException("every JDK can generate AES keys", e);
    }
  }

  /** The id of the key that seals. */
  public String currentKeyId() {
    return currentKeyId;
  }

  /** Every key id that can open, the sealing one first. */
  public List<String> keyIds() {
    List<String> ids = new ArrayList<>(List.of(currentKeyId));
    keys.keySet().stream().filter(id -> !id.equals(currentKeyId)).sorted().forEach(ids::add);
    return List.copyOf(ids);
  }

  /** Seals {@code plaintext} under the current key, bound to {@code context}. */
  public String seal(byte[] plaintext, String context) {
    JWEHeader header =
        new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
            .keyID(currentKeyId)
            .customParam(CONTEXT, context)
            .build();
    JWEObject jwe = new JWEObject(header, new Payload(plaintext));
    try {
      jwe.encrypt(new DirectEncrypter(keys.get(currentKeyId)));
    } catch (JOSEException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
    return jwe.serialize();
  }

  /**
   * Opens a value sealed under any key of the ring for {@code context}.
   *
   * @return the plaintext, or empty if the value is malformed, sealed under an unknown key, sealed
   *     for another context, or tampered with
   */
  public Optional<byte[]> open(String sealed, String context) {
    try {
      JWEObject jwe = JWEObject.parse(sealed);
      JWEHeader header = jwe.getHeader();
      SecretKey key = header.getKeyID() == null ? null : keys.get(header.getKeyID());
      if (key == null
          || !JWEAlgorithm.DIR.equals(header.getAlgorithm())
          || !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())
          || !context.equals(header.getCustomParam(CONTEXT))) {
        return Optional.empty();
      }
      jwe.decrypt(new DirectDecrypter(key));
      return Optional.of(jwe.getPayload().toBytes());
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }

  /** The {@code kid} a sealed value names, if it parses. */
  public static Optional<String> sealedKeyId(String sealed) {
    try {
      return Optional.ofNullable(JWEObject.parse(sealed).getHeader().getKeyID());
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  /** Names the key ids only. */
  @Override
  public String toString() {
    return "MasterKeys[current=" + currentKeyId + ", keys=" + keyIds() + ']';
  }
}
