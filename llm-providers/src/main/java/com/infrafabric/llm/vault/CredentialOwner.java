package com.infrafabric.llm.vault;

import com.infrafabric.platform.scope.ScopeGrammar;
import java.util.Objects;

/**
 * Whose a credential is, which decides who can ever have it used:
 *
 * <ul>
 *   <li>a {@linkplain Tenant tenant's}: injected only into requests of tools invoked for that
 *       tenant, under a grant of that tenant naming it ({@code http_request_with_credential});
 *       contracts and grants name it by name, and the name is looked up in the invocation's tenant,
 *       so no grant can reach another tenant's credential;
 *   <li>the {@linkplain Operator operator's}: used only by the host itself, for the model providers
 *       ({@code chassis.llm.*.credential}); no tool can name it.
 * </ul>
 */
public sealed interface CredentialOwner {

  /**
   * A tenant's credential.
   *
   * @param id the tenant, an id of the platform's {@link ScopeGrammar}
   */
  record Tenant(String id) implements CredentialOwner {
    public Tenant {
      Objects.requireNonNull(id, "id");
      if (!ScopeGrammar.isSegment(id)) {
        throw new IllegalArgumentException("tenant must be " + ScopeGrammar.SEGMENT_RULE);
      }
    }
  }

  /** The operator's credential, for the host's own calls. */
  record Operator() implements CredentialOwner {}

  static CredentialOwner tenant(String id) {
    return new Tenant(id);
  }

  static CredentialOwner operator() {
    return new Operator();
  }
}
