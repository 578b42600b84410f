package com.infrafabric.governor.http;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReservationHolder;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Requests;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * What part of the scope tree a caller may touch. A tenant token's {@code scope} claim confines it
 * to that subtree, whatever its roles; a platform token (no {@code scope} claim) has no power
 * inside a tenant, whatever its roles, with one exception: the chassis service, which reserves,
 * commits and releases the cost of its tools' LLM calls on the scope of each grant it verified, in
 * every tenant (the governor chose that scope when it signed the grant). See {@link Access}.
 *
 * <p>The route's {@link Access} already refuses a token of the wrong kind; these checks repeat the
 * rule where the handler reads the scope, so that a route declared too widely still fails closed.
 */
final class CallerScope {

  static final String ADMIN = "admin";
  static final String AGENT = "agent";
  static final String AUDITOR = "auditor";
  static final String DISPATCHER = "dispatcher";

  /** The chassis service: give it to chassis nodes only, on a platform token. */
  static final String CHASSIS = "chassis";

  /** The chassis service's platform token, the one platform token with (settling) tenant power. */
  static final Access CHASSIS_SERVICE = Access.platform(CHASSIS);

  private CallerScope() {}

  /**
   * The subtree a tenant token is confined to.
   *
   * @throws ApiException 403 if the token has no scope claim, or one that is not a valid scope
   */
  static Scope subtree(Principal caller) {
    if (!caller.confined()) {
      throw forbidden(
          "A token without a scope claim has no power inside a tenant; use a token whose scope"
              + " names the subtree it may use.",
          Map.of());
    }
    try {
      return Scope.parse(caller.scope().orElseThrow());
    } catch (GovernorException invalid) {
      throw forbidden("The token's scope claim is not a valid scope.", Map.of());
    }
  }

  /**
   * The subtree the caller settles LLM spend in: its own, or null (every scope) for the chassis
   * service's platform token.
   */
  static Scope settlingSubtree(Principal caller) {
    return CHASSIS_SERVICE.permits(caller) ? null : subtree(caller);
  }

  /**
   * Who the caller is as a reservation's holder: the chassis service, whichever node's token, or
   * the principal the token's subject names. Only the holder of a reservation commits or releases
   * it; a subtree that covers its scope is not enough (see {@link ReservationHolder}).
   */
  static ReservationHolder holder(Principal caller) {
    return CHASSIS_SERVICE.permits(caller)
        ? ReservationHolder.service(CHASSIS)
        : ReservationHolder.principal(caller.subject());
  }

  /** Refuses with 403 unless {@code scope} lies within the caller's subtree. */
  static Scope requireWithin(Principal caller, Scope scope) {
    return requireWithin(subtree(caller), scope);
  }

  /**
   * Refuses with 403 unless the caller may set the caps of {@code scope}: a scope strictly below
   * its subtree or, for a token confined to a whole tenant, the tenant itself. A subtree's caps are
   * its parent's to set, so an admin confined to {@code t/x} cannot lift or delete the cap the
   * tenant's admin put on {@code t/x}; it sets the caps of the scopes below it.
   */
  static Scope requireBelow(Principal caller, Scope scope) {
    Scope subtree = subtree(caller);
    requireWithin(subtree, scope);
    if (scope.equals(subtree) && subtree.depth() > 1) {
      throw forbidden(
          "The caps of "
              + scope
              + " are set by an admin of a scope above it; a token confined to "
              + scope
              + " sets the caps of the scopes below it.",
          Map.of("scope", scope.path()));
    }
    return scope;
  }

  /** As {@link #requireWithin(Principal, Scope)}, but the chassis service settles anywhere. */
  static Scope requireSettlesIn(Principal caller, Scope scope) {
    return requireWithin(settlingSubtree(caller), scope);
  }

  /** Refuses with 403 unless the caller's subtree is the whole of {@code tenant}. */
  static void requireTenant(Principal caller, String tenant) {
    Scope subtree = subtree(caller);
    if (!(subtree.depth() == 1 && subtree.tenant().equals(tenant))) {
      throw forbidden(
          "The token's scope does not cover tenant " + tenant + ".", Map.of("tenant", tenant));
    }
  }

  /** Refuses with 403 unless the caller's subtree (null: any) lies within {@code tenant}. */
  static void requireInTenant(Scope subtree, String tenant) {
    if (subtree != null && !subtree.tenant().equals(tenant)) {
      throw forbidden(
          "The token's scope does not cover tenant " + tenant + ".", Map.of("tenant", tenant));
    }
  }

  /**
   * Refuses with 400 when a platform caller named, in {@value Requests#ACTING_TENANT}, another
   * tenant than the one the request touches: the node shared its bounds out by that name before the
   * body said which tenant it is for, so a name that is not the request's own would take another
   * tenant's share.
   */
  static void requireActingFor(RoutingContext ctx, String tenant) {
    Requests.actingTenant(ctx)
        .filter(named -> !named.equals(tenant))
        .ifPresent(
            named -> {
              throw ApiException.of(
                  ErrorCode.INVALID_REQUEST,
                  Requests.ACTING_TENANT
                      + " names tenant "
                      + named
                      + ", but the request is for tenant "
                      + tenant
                      + ".",
                  Map.of("field", Requests.ACTING_TENANT, "tenant", tenant));
            });
  }

  private static Scope requireWithin(Scope subtree, Scope scope) {
    if (subtree != null && !scope.isWithin(subtree)) {
      throw forbidden(
          "The token's scope does not cover " + scope + ".", Map.of("scope", scope.path()));
    }
    return scope;
  }

  private static ApiException forbidden(String message, Map<String, Object> details) {
    return ApiException.of(ErrorCode.FORBIDDEN, message, details);
  }
}
