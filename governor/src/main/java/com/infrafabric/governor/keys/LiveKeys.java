package com.infrafabric.governor.keys;

import com.infrafabric.platform.cache.LruMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * This node's recently authenticated live keys, so a caller's every call need not read its key's
 * record from Redis. An entry is keyed by the SHA-256 of the presented key (what Redis stores; the
 * secret itself is never held) and serves for {@code ttl} from the moment its record was asked for,
 * so a rotation or revocation made on any node holds here within {@code ttl}. Only a key that
 * authenticated is put: an unknown or wrong secret fills nothing. The key's own expiry is checked
 * again on every use. An entry past its {@code ttl} no longer serves, but still tells, for {@link
 * #RECOGNITION}, that the key was live here lately ({@link #recognised}): its next read is not a
 * guess, and goes before the lookups {@link KeyLookups} bounds. At most {@link #MAX_ENTRIES} keys,
 * least recently used dropped first. A zero {@code ttl} serves nothing. Thread-safe.
 */
final class LiveKeys {

  /** How many keys one node keeps; a few megabytes at most. */
  static final int MAX_ENTRIES = 10_000;

  /** How long a key found live here is recognised after its record was read. */
  static final Duration RECOGNITION = Duration.ofMinutes(10);

  private final Duration ttl;
  private final Map<String, Entry> entries = new LruMap<>(MAX_ENTRIES);

  LiveKeys(Duration ttl) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("the key cache's ttl must not be negative");
    }
    this.ttl = ttl;
  }

  /**
   * The live key cached under {@code secretHash} at {@code now}; empty if none, if its record was
   * read {@code ttl} or more ago, or if the key has expired since (then forgotten).
   */
  synchronized Optional<VirtualKey> get(String secretHash, Instant now) {
    Entry entry = entries.get(secretHash);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.key().expiredAt(now)) {
      entries.remove(secretHash);
      return Optional.empty();
    }
    return now.isBefore(entry.askedAt().plus(ttl)) ? Optional.of(entry.key()) : Optional.empty();
  }

  /** Whether a key was found live under {@code secretHash} less than {@link #RECOGNITION} ago. */
  synchronized boolean recognised(String secretHash, Instant now) {
    Entry entry = entries.get(secretHash);
    return entry != null && now.isBefore(entry.askedAt().plus(RECOGNITION));
  }

  /** Forgets what was kept under {@code secretHash}: its record no longer says it is live. */
  synchronized void drop(String secretHash) {
    entries.remove(secretHash);
  }

  /** Keeps {@code key}, whose record was asked for at {@code askedAt}, under {@code secretHash}. */
  synchronized void put(String secretHash, VirtualKey key, Instant askedAt) {
    entries.put(secretHash, new Entry(key, askedAt));
  }

  /**
   * Drops every entry of key {@code id} of {@code tenant}, once a change to it is stored: it holds
   * here at once for every read begun after it (a read already under way may keep the old record,
   * within the ttl, as on other nodes).
   */
  synchronized void forget(String tenant, String id) {
    entries
        .values()
        .removeIf(entry -> entry.key().id().equals(id) && entry.key().tenant().equals(tenant));
  }

  /** The hashes the entries are kept under, for tests that check no secret is held. */
  synchronized Set<String> hashes() {
    return Set.copyOf(entries.keySet());
  }

  /** A live key and the moment its record was asked for. */
  private record Entry(VirtualKey key, Instant askedAt) {}
}
