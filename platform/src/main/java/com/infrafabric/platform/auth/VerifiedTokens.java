package com.infrafabric.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens this node verified recently, so a client sending the same token again costs a hash
 * instead of an ECDSA verification (about a millisecond of CPU each on P-256, most of a request's
 * cost). Bounded; least recently used entries go.
 *
 * <p>An entry is used only while its token is still within {@code exp} (plus the clock skew, as
 * verification allows) and for at most {@code maxAge} after it was verified: a key removed from the
 * JWK set stops being honoured within that age. Entries are keyed by the token's SHA-256, never by
 * the token itself. Only accepted tokens are remembered, so refused ones cannot crowd out valid
 * ones. Thread-safe.
 */
final class VerifiedTokens {

  private record Entry(Principal principal, Instant usableUntil) {}

  private final Map<String, Entry> entries;
  private final Duration maxAge;
  private final Duration skew;
  private final Clock clock;

  VerifiedTokens(int capacity, Duration maxAge, Duration skew, Clock clock) {
    this.maxAge = maxAge;
    this.skew = skew;
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The principal of {@code token} if it was verified recently and is still valid. */
  Optional<Principal> lookup(String token) {
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
      return Optional.of(entry.principal());
    }
  }

  /** Remembers a token that just passed verification and expires at {@code expiresAt}. */
  void remember(String token, Principal principal, Instant expiresAt) {
    Instant byAge = clock.instant().plus(maxAge);
    Instant byExpiry = expiresAt.plus(skew);
    Entry entry = new Entry(principal, byAge.isBefore(byExpiry) ? byAge : byExpiry);
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
