package com.infrafabric.governor.gateway;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import java.util.Optional;
import java.util.Set;

/**
 * Who makes a gateway call, whatever credential proved it: the scope its spend is charged to, the
 * models it may use, and the virtual key it presented, if it was one. A JWT's {@code scope} claim
 * and optional {@code models} list claim, or a virtual key's scope and allowed models, both arrive
 * as a {@link Principal} ({@link GatewayCallers}).
 *
 * @param subject the principal's subject: owns the caller's idempotency keys
 * @param scope where the caller's calls are charged
 * @param allowedModels the models and aliases it may name; empty: every one the gateway serves
 * @param keyId the virtual key's id, when the caller presented one
 */
public record GatewayCaller(
    String subject, Scope scope, Set<String> allowedModels, Optional<String> keyId) {

  /** The list claim naming the models a caller may use. */
  public static final String MODELS_CLAIM = "models";

  /** The claim naming the virtual key a principal was proven by. */
  public static final String KEY_CLAIM = "key_id";

  public GatewayCaller {
    allowedModels = Set.copyOf(allowedModels);
  }

  /**
   * The caller {@code principal} proves; a principal without a valid scope claim has no tenant to
   * charge and is refused with 403.
   */
  static GatewayCaller of(Principal principal) {
    String claim =
        principal
            .scope()
            .orElseThrow(
                () ->
                    ApiException.of(
                        ErrorCode.FORBIDDEN,
                        "A token without a scope claim has no budget to charge a model call to."));
    Scope scope;
    try {
      scope = Scope.parse(claim);
    } catch (GovernorException invalid) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "The token's scope claim is not a valid scope.");
    }
    return new GatewayCaller(
        principal.subject(),
        scope,
        Set.copyOf(principal.stringListClaim(MODELS_CLAIM)),
        principal.stringClaim(KEY_CLAIM));
  }

  /** True if the caller may name {@code model} (an alias or a served model). */
  boolean mayUse(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }
}
