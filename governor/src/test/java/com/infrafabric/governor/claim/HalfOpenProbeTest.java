package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.registry.BreakerState;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A half-open breaker's probe is recorded on the agent (its {@code probe} field), not only in the
 * claim that started it: anything that reindexes the agent while the probe runs reads it from
 * there, and must keep the agent out of the index of available agents.
 */
@Timeout(60)
class HalfOpenProbeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void anAgentReindexedWhileItsProbeRunsTakesNoSecondTask() {
    String t = freshTenant("probe-kept");
    rig.governor.budget(t, Window.LIFETIME, 10_000_000);
    rig.policy(
        t,
        TenantPolicy.builder().breakerFailures(1).breakerCooldown(Duration.ofSeconds(30)).build());
    rig.register(contract(t, "a1", Map.of("go", 1), 1_000, 4));
    rig.finish(claim(t, "first"), TaskOutcome.FAILED, 100);
    rig.clock.advance(Duration.ofSeconds(30));
    Claimed probe = claim(t, "probe");
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.HALF_OPEN);

    Await.result(rig.registry.setStatus(t, "a1", AgentStatus.ACTIVE));

    assertThat(rig.claim(task("second", t + "/p", Map.of("go", 1), 10_000)))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.BREAKERS_OPEN));
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
  }

  private static Claimed claim(String t, String taskId) {
    return rig.claimed(task(taskId, t + "/p", Map.of("go", 1), 10_000));
  }
}
