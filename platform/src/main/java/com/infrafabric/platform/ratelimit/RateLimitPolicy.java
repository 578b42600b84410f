package com.infrafabric.platform.ratelimit;

import com.infrafabric.platform.auth.Principal;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which bucket limits a principal: one bucket per subject, sized by the most generous limit among
 * the principal's roles that have one (ties broken by role name), or by the default limit.
 *
 * @param keyPrefix the Redis key prefix of this service's buckets, e.g. {@code governor}
 * @param defaultLimit the limit for principals with no role-specific limit
 * @param perRole limits by role name
 */
public record RateLimitPolicy(
    String keyPrefix, RateLimit defaultLimit, Map<String, RateLimit> perRole) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public RateLimitPolicy {
    Objects.requireNonNull(defaultLimit, "defaultLimit");
    requireName("ratelimit key prefix", keyPrefix);
    perRole = Map.copyOf(perRole);
    perRole.keySet().forEach(role -> requireName("ratelimit role", role));
  }

  /** The same limit for everyone. */
  public static RateLimitPolicy uniform(String keyPrefix, RateLimit limit) {
    return new RateLimitPolicy(keyPrefix, limit, Map.of());
  }

  /** The name and limit of the bucket that applies to {@code principal}. */
  SelectedLimit select(Principal principal) {
    return principal.roles().stream()
        .filter(perRole::containsKey)
        .max(
            Comparator.<String>comparingLong(role -> perRole.get(role).capacity())
                .thenComparing(Comparator.reverseOrder()))
        .map(role -> new SelectedLimit("role-" + role, perRole.get(role)))
        .orElse(new SelectedLimit("default", defaultLimit));
  }

  private static void requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " '" + name + "' must match [a-z0-9][a-z0-9_-]{0,63}");
    }
  }

  record SelectedLimit(String name, RateLimit limit) {}
}
