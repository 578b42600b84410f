package com.infrafabric.governor.keys;

import com.infrafabric.governor.tenant.Scope;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an admin asks for when creating a key: everything of a {@link VirtualKey} but its id, which
 * the governor chooses. Checked when the key is built from it ({@link #withId}).
 *
 * @param scope the budget scope the key's calls are charged to
 * @param allowedModels the models or aliases it may call ({@value VirtualKey#ANY_MODEL}: any)
 * @param requestsPerMinute requests a minute, cluster-wide
 * @param tokensPerMinute tokens a minute, cluster-wide
 * @param metadata the admin's labels
 * @param expiresAt when it stops authenticating, or null for never
 */
public record KeySpec(
    Scope scope,
    Set<String> allowedModels,
    long requestsPerMinute,
    long tokensPerMinute,
    Map<String, String> metadata,
    Instant expiresAt) {

  public KeySpec {
    Objects.requireNonNull(scope, "scope");
    allowedModels = Set.copyOf(allowedModels);
    metadata = Map.copyOf(metadata);
  }

  /** The key this spec describes, named {@code id}. */
  VirtualKey withId(String id) {
    return new VirtualKey(
        id, scope, allowedModels, requestsPerMinute, tokensPerMinute, metadata, expiresAt);
  }
}
