package com.infrafabric.platform.ratelimit;

import java.util.Base64;
import java.util.Optional;

/**
 * A bucket's state as Redis holds it, base64 ({@code ""} for an absent key), beside its decoding,
 * which Bucket4j reads and hands back unchanged as the state a swap expects. Kept together so a
 * state remembered or just read is neither decoded again for the next operation nor encoded again
 * for its swap.
 *
 * @param encoded the stored value, {@code ""} if the key is absent
 * @param data its decoding, null if the key is absent; never modified
 */
record StoredState(String encoded, byte[] data) {

  /** An absent bucket: what Redis answers for one, and what the swap script expects for one. */
  static final StoredState ABSENT = new StoredState("", null);

  /** The state stored as {@code encoded} ({@code ""}: absent). */
  static StoredState ofEncoded(String encoded) {
    return encoded.isEmpty()
        ? ABSENT
        : new StoredState(encoded, Base64.getDecoder().decode(encoded));
  }

  /** The state {@code data} (null: absent), encoded for Redis. */
  static StoredState of(byte[] data) {
    return data == null ? ABSENT : new StoredState(Base64.getEncoder().encodeToString(data), data);
  }

  /** The decoding as Bucket4j reads it: empty for an absent bucket. */
  Optional<byte[]> read() {
    return Optional.ofNullable(data);
  }

  /** True if this is the state {@code other} was decoded from, the very array. */
  boolean decodesTo(byte[] other) {
    return data == other;
  }
}
