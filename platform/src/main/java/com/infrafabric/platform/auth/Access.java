package com.infrafabric.platform.auth;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may call a route. Every route declares its access, so forgetting a check is visible in
 * review, and the access-matrix tests read it from the route table.
 *
 * <p>Tokens are of two kinds. A <b>tenant token</b> carries a {@code scope} claim and is confined
 * to that subtree of one tenant; a <b>platform token</b> carries none and acts on what every tenant
 * shares (the pricing catalogue, the tool registry, metrics). A role grants a route only on the
 * kind of token the route names it for: {@code tenant("admin")} is honoured only on a token with a
 * scope, {@code platform("admin")} only on one without. So an admin confined to a tenant cannot
 * change global state, and a token without a scope has no tenant powers, whatever its roles. The
 * route's handler still checks that what the request names lies within the token's subtree.
 *
 * @param tenantRoles roles that grant the route on a tenant token
 * @param platformRoles roles that grant the route on a platform token
 * @param anyToken true if any valid token may call the route (a read of nothing tenant-specific)
 */
public record Access(Set<String> tenantRoles, Set<String> platformRoles, boolean anyToken) {

  private static final Access AUTHENTICATED = new Access(Set.of(), Set.of(), true);

  public Access {
    tenantRoles = roles(tenantRoles);
    platformRoles = roles(platformRoles);
    if (!anyToken && tenantRoles.isEmpty() && platformRoles.isEmpty()) {
      throw new IllegalArgumentException("an access rule must name at least one role");
    }
  }

  /** Any principal with a valid token, of either kind. */
  public static Access authenticated() {
    return AUTHENTICATED;
  }

  /** Tenant tokens (with a scope claim) holding at least one of {@code roles}. */
  public static Access tenant(String... roles) {
    return new Access(Set.of(roles), Set.of(), false);
  }

  /** Platform tokens (without a scope claim) holding at least one of {@code roles}. */
  public static Access platform(String... roles) {
    return new Access(Set.of(), Set.of(roles), false);
  }

  /** This access, and also platform tokens holding at least one of {@code roles}. */
  public Access orPlatform(String... roles) {
    Set<String> both = new TreeSet<>(platformRoles);
    both.addAll(Set.of(roles));
    return new Access(tenantRoles, both, anyToken);
  }

  public boolean permits(Principal principal) {
    if (anyToken) {
      return true;
    }
    Set<String> honoured = principal.confined() ? tenantRoles : platformRoles;
    return honoured.stream().anyMatch(principal::hasRole);
  }

  /**
   * Why {@code principal} is refused, in a sentence that tells the caller which kind of token the
   * route needs when its roles would have been enough on the other kind.
   */
  public String refusal(Principal principal) {
    Set<String> other = principal.confined() ? platformRoles : tenantRoles;
    if (other.stream().anyMatch(principal::hasRole)) {
      return principal.confined()
          ? "This operation is the platform's, over every tenant: it needs a platform token, one"
              + " without a scope claim."
          : "This operation acts inside a tenant: it needs a token whose scope claim names the"
              + " subtree it may use.";
    }
    return "The token does not grant this operation.";
  }

  private static Set<String> roles(Set<String> roles) {
    Set<String> copy = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    for (String role : copy) {
      if (role.isBlank()) {
        throw new IllegalArgumentException("a required role must not be blank");
      }
    }
    return copy;
  }
}
