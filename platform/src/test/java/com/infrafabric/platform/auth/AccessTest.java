package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

  private static final Principal PLATFORM_ADMIN = Principal.of("root", Set.of("admin"));
  private static final Principal TENANT_ADMIN = scoped("acme", "admin");

  @Test
  void aPlatformRoleCountsOnlyOnATokenWithoutAScope() {
    Access global = Access.platform("admin");

    assertThat(global.permits(PLATFORM_ADMIN)).isTrue();
    assertThat(global.permits(TENANT_ADMIN)).isFalse();
    assertThat(global.refusal(TENANT_ADMIN))
        .contains("needs a platform token")
        .as("a platform route may only read: the refusal says nothing of changing state")
        .doesNotContain("changes state");
  }

  @Test
  void aTenantRoleCountsOnlyOnATokenWithAScopeWhateverElseItHolds() {
    Access inTenant = Access.tenant("agent", "admin");

    assertThat(inTenant.permits(TENANT_ADMIN)).isTrue();
    assertThat(inTenant.permits(Principal.of("x", Set.of("agent", "auditor", "admin")))).isFalse();
    assertThat(inTenant.refusal(PLATFORM_ADMIN)).contains("scope claim");
  }

  @Test
  void aBlankScopeStillConfinesTheToken() {
    Principal blank = scoped("", "admin");

    assertThat(blank.confined()).isTrue();
    assertThat(Access.platform("admin").permits(blank)).isFalse();
  }

  @Test
  void orPlatformAddsPlatformRolesToTenantOnes() {
    Access settle = Access.tenant("agent").orPlatform("chassis");

    assertThat(settle.permits(scoped("acme/a", "agent"))).isTrue();
    assertThat(settle.permits(Principal.of("chassis-1", Set.of("chassis")))).isTrue();
    assertThat(settle.permits(scoped("acme", "chassis"))).isFalse();
    assertThat(settle.permits(Principal.of("a", Set.of("agent")))).isFalse();
  }

  @Test
  void anyTokenPassesAuthenticated() {
    assertThat(Access.authenticated().permits(PLATFORM_ADMIN)).isTrue();
    assertThat(Access.authenticated().permits(TENANT_ADMIN)).isTrue();
    assertThat(Access.authenticated().refusal(TENANT_ADMIN))
        .isEqualTo("The token does not grant this operation.");
  }

  @Test
  void aRuleNamesAtLeastOneRole() {
    assertThatThrownBy(Access::tenant).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Access.platform(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  private static Principal scoped(String scope, String... roles) {
    return new Principal("s-" + scope, Set.of(roles), Map.of("scope", scope), Map.of());
  }
}
