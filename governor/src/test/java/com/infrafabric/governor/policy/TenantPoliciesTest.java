package com.infrafabric.governor.policy;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class TenantPoliciesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;
  private static TenantPolicies policies;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    policies = new TenantPolicies(rig.redis, rig.scripts);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aTenantWithoutAPolicyHasTheDefaults() {
    assertThat(Await.result(policies.get(freshTenant("none")))).isEqualTo(TenantPolicy.DEFAULTS);
  }

  @Test
  void aStoredPolicyReadsBackAndAReplacementDropsWhatItNoLongerSays() {
    String t = freshTenant("stored");
    TenantPolicy first =
        TenantPolicy.builder()
            .maxAgentsPerTask(5)
            .leaseTtl(Duration.ofSeconds(20))
            .downgrades(
                List.of(
                    new ModelDowngrade("big", "small", 20), new ModelDowngrade("huge", "big", 10)))
            .build();
    TenantPolicy second =
        first.toBuilder().downgrades(List.of(new ModelDowngrade("big", "tiny", 30))).build();

    Await.result(policies.put(t, first, GovernorRig.ADMIN));
    assertThat(Await.result(policies.get(t))).isEqualTo(first);
    Await.result(policies.put(t, second, GovernorRig.ADMIN));

    assertThat(Await.result(policies.get(t))).isEqualTo(second);
  }
}
