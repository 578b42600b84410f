package com.infrafabric.chassis.internal.capability;

import com.infrafabric.llm.vault.CredentialId;
import com.infrafabric.llm.vault.OpenedCredential;
import com.infrafabric.llm.vault.ResponsePolicy;
import java.util.List;
import java.util.Map;

/**
 * The credentials, of any tenant or the operator, bound to the server one hop reaches: what shapes
 * its answer ({@link InvocationCredentials#bound}).
 *
 * @param bound by identity, each already guarded by the invocation's boundary
 */
record HopCredentials(Map<CredentialId, OpenedCredential> bound) {

  static final HopCredentials NONE = new HopCredentials(Map.of());

  HopCredentials {
    bound = Map.copyOf(bound);
  }

  /** True if a credential is bound, so the hop's answer is one it governs. */
  boolean governs() {
    return !bound.isEmpty();
  }

  /** The strictest policy of the bound credentials; full if none is. */
  ResponsePolicy policy() {
    return bound.values().stream()
        .map(OpenedCredential::response)
        .reduce(ResponsePolicy.full(), ResponsePolicy::stricter);
  }

  /** True if the strictest policy is status-only. */
  boolean statusOnly() {
    return policy() instanceof ResponsePolicy.StatusOnly;
  }

  /** The bound status-only credentials. */
  List<Map.Entry<CredentialId, OpenedCredential>> statusOnlyOnes() {
    return bound.entrySet().stream()
        .filter(e -> e.getValue().response() instanceof ResponsePolicy.StatusOnly)
        .toList();
  }
}
