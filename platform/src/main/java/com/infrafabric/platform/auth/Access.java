package com.infrafabric.platform.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who may call a route: any authenticated principal, or only one holding at least one of the listed
 * roles. Every route declares its access, so forgetting a check is visible in review.
 *
 * @param anyOfRoles the roles that grant access; empty means any authenticated principal
 */
public record Access(Set<String> anyOfRoles) {

  private static final Access AUTHENTICATED = new Access(Set.of());

  public Access {
    anyOfRoles = Set.copyOf(Objects.requireNonNull(anyOfRoles, "anyOfRoles"));
    for (String role : anyOfRoles) {
      if (role.isBlank()) {
        throw new IllegalArgumentException("a required role must not be blank");
      }
    }
  }

  /** Any principal with a valid token. */
  public static Access authenticated() {
    return AUTHENTICATED;
  }

  /** Only principals holding at least one of {@code roles}. */
  public static Access anyOf(String... roles) {
    if (roles.length == 0) {
      throw new IllegalArgumentException("Access.anyOf needs at least one role");
    }
    return new Access(Set.of(roles));
  }

  public boolean permits(Principal principal) {
    return anyOfRoles.isEmpty() || anyOfRoles.stream().anyMatch(principal::hasRole);
  }
}
