package com.infrafabric.platform.auth;

import com.infrafabric.platform.cache.LruMap;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens this node verified, so a client sending the same token again costs a hash instead
 * of an ECDSA verification (about a millisecond of CPU each on P-256, most of a request's cost).
 * Bounded; least recently used entries go.
 *
 * <p>An entry counts only while its token is still within {@code exp} (plus the clock skew, as
 * verification allows) and while the key that verified it is still in the JWK set the service holds
 * ({@link Remembered#stillSignedBy}): a key removed from the set stops being honoured at the first
 * request after the file is re-read, exactly as for a token never seen. Entries used to expire
 * after the key file's refresh interval as well, which made every token of every agent cost a
 * verification a minute on every node for nothing. Entries are keyed by the token's SHA-256, never
 * by the token itself. Only accepted tokens are remembered, so refused ones cannot crowd out valid
 * ones. Thread-safe.
 */
final class VerifiedTokens {

  /**
   * A token accepted earlier.
   *
   * @param principal who the token names
   * @param key the public key that verified its signature
   */
  record Remembered(Principal principal, JWK key) {

    /** True if {@code keys} still hold the key that verified the token, unchanged. */
    boolean stillSignedBy(JWKSet keys) {
      return key.equals(keys.getKeyByKeyId(key.getKeyID()));
    }
  }

  private record Entry(Remembered remembered, Instant usableUntil) {}

  private final Map<String, Entry> entries;
  private final Duration skew;
  private final Clock clock;

  VerifiedTokens(int capacity, Duration skew, Clock clock) {
    this.skew = skew;
    this.clock = clock;
    this.entries = new LruMap<>(capacity);
  }

  /** What {@code token} was verified as, if it was and has not expired since. */
  Optional<Remembered> lookup(String token) {
    String key = digest(token);
    synchronized (entries) {
      Entry entry = entries.get(key);
      if (entry == null) {
        return Optional.empty();
      }
      if (!clock.instant().isBefore(entry.usableUntil())) {
        entries.remove(key);
        return Optional.empty();
      }
      return Optional.of(entry.remembered());
    }
  }

  /**
   * Remembers a token that just passed verification with {@code signer} and expires at {@code
   * expiresAt}.
   */
  void remember(String token, Principal principal, JWK signer, Instant expiresAt) {
    Entry entry = new Entry(new Remembered(principal, signer), expiresAt.plus(skew));
    String key = digest(token);
    synchronized (entries) {
      entries.put(key, entry);
    }
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
