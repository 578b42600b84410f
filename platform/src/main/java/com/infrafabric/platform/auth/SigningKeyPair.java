package com.infrafabric.platform.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A freshly generated elliptic-curve signing key with a random key id, as two JWK set documents:
 * the private one that mints tokens and the public one services verify with.
 *
 * @param keyId the random {@code kid} both documents carry
 * @param privateJwks the JWK set with the private key; keep it secret
 * @param publicJwks the JWK set with only the public key; give it to every service
 */
public record SigningKeyPair(String keyId, String privateJwks, String publicJwks) {

  public SigningKeyPair {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(privateJwks, "privateJwks");
    Objects.requireNonNull(publicJwks, "publicJwks");
  }

  /**
   * Generates a key for {@code algorithm} ({@code ES256}, {@code ES384} or {@code ES512}) with the
   * JDK's own crypto provider.
   */
  public static SigningKeyPair generate(String algorithm) {
    if (!JwtSettings.ALGORITHMS.contains(algorithm)) {
      throw new IllegalArgumentException(
          "algorithm " + algorithm + " is not allowed; use one of " + JwtSettings.ALGORITHMS);
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
    Curve curve = Curve.forJWSAlgorithm(alg).iterator().next();
    try {
      ECKey key =
          new ECKeyGenerator(curve)
              .keyID(randomKeyId())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(alg)
              .generate();
      JWKSet set = new JWKSet(key);
      return new SigningKeyPair(
          key.getKeyID(), set.toString(false), set.toPublicJWKSet().toString());
    } catch (JOSEException e) {
      throw new IllegalStateException("the JDK cannot generate a " + curve + " key", e);
    }
  }

  /**
   * Writes the private set to {@code privateFile} with mode {@code 0600} (created that way, never
   * readable by others even for an instant) and the public set to {@code publicFile}, both new
   * files: overwriting either could destroy a key still in use (one path for both left only the
   * public set).
   *
   * @throws IllegalArgumentException before writing anything, if either file exists or both name
   *     the same file
   */
  public void write(Path privateFile, Path publicFile) {
    if (privateFile.toAbsolutePath().normalize().equals(publicFile.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException(
          "the private and the public key file must differ; both are " + privateFile);
    }
    for (Path file : new Path[] {privateFile, publicFile}) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalArgumentException(file + " exists; key files are never overwritten");
      }
    }
    try {
      Files.createFile(
          privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(privateFile, privateJwks);
      Files.writeString(publicFile, publicJwks, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key files: " + e.getMessage(), e);
    }
  }

  private static String randomKeyId() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Names the key id only: the private key never reaches a log. */
  @Override
  public String toString() {
    return "SigningKeyPair[kid=" + keyId + ']';
  }
}
