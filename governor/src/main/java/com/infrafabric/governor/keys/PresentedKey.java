package com.infrafabric.governor.keys;

import com.infrafabric.platform.scope.ScopeGrammar;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret form of a virtual key, as a client presents it: {@code ifk_<tenant>.<key id>.<secret>}
 * with a 256-bit random secret in base64url. The {@code ifk_} prefix lets secret scanners find a
 * leaked key; the tenant and id say where its record lives, so no index of secrets is needed.
 *
 * <p>Redis keeps only the SHA-256 of the whole presented key. A plain hash suffices because the
 * secret is 256 random bits: nobody can invert it or guess a preimage, with or without a pepper, so
 * a copy of Redis gives nothing that authenticates. A salted slow hash (bcrypt, Argon2) defends
 * low-entropy passwords and would cost milliseconds on every gateway call for no gain here; a
 * pepper would be one more secret to distribute to every node and rotate. Comparison is in constant
 * time ({@link MessageDigest#isEqual}).
 *
 * <p>{@link #toString()} never shows the secret.
 */
final class PresentedKey {

  static final String PREFIX = "ifk_";
  private static final int SECRET_BYTES = 32;
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int MAX_LENGTH = PREFIX.length() + 64 + 1 + 21 + 1 + 43;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String tenant;
  private final String id;
  private final String text;

  /** The SHA-256 of {@code text}: every use of a key needs it, some twice. */
  private final byte[] digest;

  private PresentedKey(String tenant, String id, String text) {
    this.tenant = tenant;
    this.id = id;
    this.text = text;
    this.digest = sha256(text);
  }

  /** A new key for {@code id} of {@code tenant}, with a fresh secret. */
  static PresentedKey generate(String tenant, String id) {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new PresentedKey(tenant, id, PREFIX + tenant + '.' + id + '.' + encoded);
  }

  /** A fresh key id: {@code k} and 20 hex digits (80 random bits; ids are not secret). */
  static String newId() {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return 'k' + HexFormat.of().formatHex(bytes);
  }

  /** Reads what a client presented; empty if it cannot be a virtual key. */
  static Optional<PresentedKey> parse(String presented) {
    if (presented == null || presented.length() > MAX_LENGTH || !presented.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = presented.substring(PREFIX.length()).split("\\.", -1);
    if (parts.length != 3
        || !ScopeGrammar.isSegment(parts[0])
        || !VirtualKey.ID.matcher(parts[1]).matches()
        || !SECRET.matcher(parts[2]).matches()) {
      return Optional.empty();
    }
    return Optional.of(new PresentedKey(parts[0], parts[1], presented));
  }

  String tenant() {
    return tenant;
  }

  String id() {
    return id;
  }

  /** The whole key, to show its owner once. */
  String reveal() {
    return text;
  }

  /** The lowercase hex SHA-256 of the whole key: what Redis stores. */
  String hash() {
    return HexFormat.of().formatHex(digest);
  }

  /** True if this key hashes to {@code storedHash}, compared in constant time. */
  boolean matches(String storedHash) {
    byte[] stored;
    try {
      stored = HexFormat.of().parseHex(storedHash);
    } catch (IllegalArgumentException corrupt) {
      return false;
    }
    return MessageDigest.isEqual(digest, stored);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return PREFIX + tenant + '.' + id + ".[REDACTED]";
  }
}
