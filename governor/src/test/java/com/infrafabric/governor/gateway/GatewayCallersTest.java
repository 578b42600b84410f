package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.keys.VirtualKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Principal;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A virtual key is held by its own buckets, at the rate its admin set; a token of role {@code
 * agent} stays under the service's per-principal limit.
 */
class GatewayCallersTest {

  private final GatewayCallers callers = new GatewayCallers(secret -> null);

  @Test
  void aVirtualKeyLimitsItselfAndAJwtCallerDoesNot() {
    VirtualKey key =
        new VirtualKey(
            "k0123456789abcdef0123",
            Scope.parse("acme/agents"),
            Set.of("*"),
            100_000,
            1_000_000,
            Map.of(),
            null);

    assertThat(callers.limitsItself(GatewayCallers.principal(key))).isTrue();
    assertThat(
            callers.limitsItself(
                new Principal(
                    "agent-7",
                    Set.of("agent"),
                    Map.of(
                        Principal.SCOPE, "acme", GatewayCaller.KEY_CLAIM, "k0123456789abcdef0123"),
                    Map.of())))
        .as("a token naming a key id is not that key")
        .isFalse();
    assertThat(
            callers.limitsItself(Principal.of("vkey:acme:k0123456789abcdef0123", Set.of("agent"))))
        .isFalse();
  }
}
