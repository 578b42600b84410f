package com.infrafabric.governor.gateway;

import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who makes a gateway call, whatever credential proved it: the scope its spend is charged to, the
 * models it may use, and the virtual key it presented, if it was one. A JWT's {@code scope} claim
 * and optional {@code models} list claim, or a virtual key's scope, models and limits ({@link
 * GatewayCallers#principal}), both arrive as a {@link Principal}.
 *
 * @param subject the principal's subject: owns the caller's idempotency keys
 * @param scope where the caller's calls are charged
 * @param allowedModels the models and aliases it may name; empty: every one the gateway serves
 * @param key the virtual key it presented, with its per-minute limits; empty for a JWT
 */
public record GatewayCaller(
    String subject, Scope scope, Set<String> allowedModels, Optional<VirtualKey> key) {

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
    Set<String> models = models(principal);
    return new GatewayCaller(principal.subject(), scope, models, key(principal, scope, models));
  }

  /**
   * The models a token's {@code models} claim allows; empty (every model) only when the token has
   * no such claim. A claim that is not a list, or an empty list, is refused rather than read as
   * absent: an absent restriction allows every model.
   */
  private static Set<String> models(Principal principal) {
    if (principal.stringClaim(MODELS_CLAIM).isPresent()) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN, "The token's models claim must be a list of model names.");
    }
    Optional<List<String>> listed = principal.listClaim(MODELS_CLAIM);
    if (listed.isPresent() && listed.get().isEmpty()) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN,
          "The token's models claim names no model; a token without the claim may use every"
              + " model.");
    }
    return listed.map(Set::copyOf).orElse(Set.of());
  }

  /** The virtual key a principal of {@link GatewayCallers#principal} stands for. */
  private static Optional<VirtualKey> key(Principal principal, Scope scope, Set<String> models) {
    if (!isKey(principal)) {
      return Optional.empty();
    }
    return principal
        .stringClaim(KEY_CLAIM)
        .map(
            id ->
                new VirtualKey(
                    id,
                    scope,
                    models.isEmpty() ? Set.of(VirtualKey.ANY_MODEL) : models,
                    Long.parseLong(principal.stringClaim(GatewayCallers.RPM_CLAIM).orElseThrow()),
                    Long.parseLong(principal.stringClaim(GatewayCallers.TPM_CLAIM).orElseThrow()),
                    Map.of(),
                    null));
  }

  /**
   * True for a principal of {@link GatewayCallers#principal}: a virtual key, held by its buckets.
   */
  static boolean isKey(Principal principal) {
    return principal.subject().startsWith(GatewayCallers.KEY_SUBJECT)
        && principal.stringClaim(KEY_CLAIM).isPresent();
  }

  /** The virtual key's id, or empty for a JWT caller: what the ledger attributes the call to. */
  String keyId() {
    return key.map(VirtualKey::id).orElse("");
  }

  /** True if the caller may name {@code model} (an alias or a served model). */
  boolean mayUse(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }
}
