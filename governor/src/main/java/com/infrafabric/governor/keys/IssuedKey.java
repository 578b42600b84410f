package com.infrafabric.governor.keys;

import java.util.Objects;
import java.util.Optional;

/**
 * A key as created or rotated: the key, and its secret the one time it is shown. A replayed request
 * (same idempotency key) gets no secret: it was shown to the first answer only, and is not kept
 * anywhere it could be read again; rotate the key to get a new one.
 *
 * @param key the key
 * @param secret the presented form ({@code ifk_...}), or empty on a replay
 */
public record IssuedKey(VirtualKey key, Optional<String> secret) {

  public IssuedKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "IssuedKey[" + key + ", secret=" + (secret.isPresent() ? "[REDACTED]" : "none") + ']';
  }
}
