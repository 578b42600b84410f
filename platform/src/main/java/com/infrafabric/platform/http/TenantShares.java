package com.infrafabric.platform.http;

import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How many of a node's shared slots (requests in flight, admission slots) each tenant holds, so
 * that one tenant holds at most half of them and never fills what the others share. A caller's
 * tenant is its scope's first segment; the platform's own callers (no scope) count as one tenant.
 * Thread-safe.
 */
final class TenantShares {

  /** A tenant's request beyond its share: its own to slow down, not the service's overload. */
  static final ErrorCode TOO_MANY_IN_FLIGHT = new ErrorCode("TOO_MANY_IN_FLIGHT", 429);

  private static final Duration RETRY = Duration.ofSeconds(1);

  /** Each tenant's slots held; a tenant holding none has no entry. */
  private final ConcurrentMap<String, Integer> held = new ConcurrentHashMap<>();

  /** The most slots one tenant holds of {@code slots}: half, and at least one. */
  static int share(int slots) {
    return Math.max(1, slots / 2);
  }

  /** True if {@code tenant} holds its share of {@code slots} already. */
  boolean full(String tenant, int slots) {
    return held.getOrDefault(tenant, 0) >= share(slots);
  }

  /** Takes a slot for {@code tenant}; false, taking nothing, if it holds its share already. */
  boolean take(String tenant, int slots) {
    if (held.merge(tenant, 1, Integer::sum) <= share(slots)) {
      return true;
    }
    give(tenant);
    return false;
  }

  /** Gives back a slot {@link #take} took. */
  void give(String tenant) {
    held.computeIfPresent(tenant, (name, count) -> count == 1 ? null : count - 1);
  }

  /** The refusal of a request beyond its tenant's share of {@code what}, 429 with Retry-After. */
  static ApiException refusal(String what, int slots) {
    return ApiException.retryAfter(
        TOO_MANY_IN_FLIGHT,
        "This tenant's requests fill its share of the service's "
            + what
            + " ("
            + share(slots)
            + "); retry when one has finished.",
        RETRY);
  }

  /** The tenant {@code ctx}'s caller acts in. */
  static String tenant(RoutingContext ctx) {
    return Requests.principal(ctx)
        .scope()
        .map(scope -> scope.indexOf('/') < 0 ? scope : scope.substring(0, scope.indexOf('/')))
        .orElse("");
  }
}
