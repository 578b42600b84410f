package com.infrafabric.platform.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Principal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {

  private final RateLimitPolicy policy =
      new RateLimitPolicy(
          "governor",
          RateLimit.perMinute(10),
          Map.of("agent", RateLimit.perMinute(100), "admin", RateLimit.perMinute(100)));

  @Test
  void usesTheDefaultForPrincipalsWithoutALimitedRole() {
    assertThat(policy.select(Principal.of("a", Set.of("auditor"))).name()).isEqualTo("default");
  }

  @Test
  void breaksTiesBetweenEquallyGenerousRolesByName() {
    Principal both = Principal.of("a", Set.of("agent", "admin"));
    assertThat(policy.select(both).name()).isEqualTo("role-admin");
  }

  @Test
  void validatesLimitsAndNamesWithExactMessages() {
    assertThatThrownBy(() -> new RateLimit(0, 1, Duration.ofSeconds(1)))
        .hasMessage("capacity 0 is outside 1..1000000000");
    assertThatThrownBy(() -> RateLimitPolicy.uniform("Bad Prefix", RateLimit.perMinute(1)))
        .hasMessage("ratelimit key prefix 'Bad Prefix' must match [a-z0-9][a-z0-9_-]{0,63}");
  }
}
