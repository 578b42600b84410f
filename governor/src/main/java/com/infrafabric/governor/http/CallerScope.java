package com.infrafabric.governor.http;

import com.infrafabric.governor.budget.Scope;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import java.util.Map;

/**
 * What part of the scope tree a caller may touch. A token's {@code scope} claim confines it to that
 * subtree; agent tokens must carry one. Operator tokens (admin, auditor) without the claim see
 * every tenant, and so does the chassis's token: it reserves LLM calls on the scope of each grant
 * it verified, and the governor chose that scope when it signed the grant.
 */
final class CallerScope {

  static final String ADMIN = "admin";
  static final String AGENT = "agent";
  static final String AUDITOR = "auditor";

  /**
   * The chassis service: reserves, commits and releases the cost of its tools' LLM calls on the
   * budget scopes the governor's grants name, in every tenant. Give it to chassis nodes only.
   */
  static final String CHASSIS = "chassis";

  static final String DISPATCHER = "dispatcher";

  private CallerScope() {}

  /** The subtree the caller is confined to, or null if it is not confined. */
  static Scope subtree(Principal caller) {
    if (caller.scope().isPresent()) {
      return Scope.parse(caller.scope().get());
    }
    if ((caller.hasRole(AGENT) || caller.hasRole(DISPATCHER))
        && !caller.hasRole(ADMIN)
        && !caller.hasRole(AUDITOR)) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN,
          "An agent or dispatcher token must name the scope subtree it may use.");
    }
    return null;
  }

  /** Refuses with 403 unless {@code scope} lies within the caller's subtree. */
  static Scope requireWithin(Principal caller, Scope scope) {
    Scope subtree = subtree(caller);
    if (subtree != null && !scope.isWithin(subtree)) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN,
          "The token's scope does not cover " + scope + ".",
          Map.of("scope", scope.path()));
    }
    return scope;
  }

  /** Refuses with 403 unless the caller may see the whole of {@code tenant}. */
  static void requireTenant(Principal caller, String tenant) {
    Scope subtree = subtree(caller);
    if (subtree != null && !(subtree.depth() == 1 && subtree.tenant().equals(tenant))) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN,
          "The token's scope does not cover tenant " + tenant + ".",
          Map.of("tenant", tenant));
    }
  }
}
