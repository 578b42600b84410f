package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.Window;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ClaimTest {

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
  void aClaimOwnsTheTaskTakesASlotAndHoldsTheAgentsCostOnTheTaskScope() {
    String t = freshTenant("claim");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 2));

    Claimed claim = rig.claimed(task("t1", t + "/proj", Map.of("python", 1), 10_000));

    assertThat(claim.agentId()).isEqualTo("a1");
    assertThat(claim.lease()).isEqualTo(new LeaseId(t, "t1", 1));
    assertThat(claim.reservedMicros()).isEqualTo(3_000);
    assertThat(claim.expiresAt()).isEqualTo(rig.clock.instant().plusSeconds(60));
    assertThat(rig.agent(t, "a1").busySlots()).isEqualTo(1);
    assertThat(rig.governor.usage(t + "/proj", Window.LIFETIME).reservedMicros()).isEqualTo(3_000);
    assertThat(rig.governor.ledger(t))
        .extracting(LedgerEntry::type)
        .containsExactly("agent", "reserve", "claim");
    assertThat(rig.claim(task("t1", t + "/proj", Map.of("python", 1), 10_000)))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.TASK_ALREADY_OWNED));
  }

  @Test
  void succeedingCommitsTheSpendFreesTheSlotAndCompletesTheTask() {
    String t = freshTenant("finish");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 1));
    Claimed claim = rig.claimed(task("t1", t + "/proj", Map.of("python", 1), 10_000));

    FinishResult result = rig.finish(claim, TaskOutcome.SUCCEEDED, 2_500);

    assertThat(result.releasedMicros()).isEqualTo(500);
    assertThat(result.reputationPpm()).isEqualTo(550_000);
    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    assertThat(rig.governor.usage(t + "/proj", Window.LIFETIME).spentMicros()).isEqualTo(2_500);
    assertThat(rig.governor.usage(t + "/proj", Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.claim(task("t1", t + "/proj", Map.of("python", 1), 10_000)))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.TASK_COMPLETED));
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }
}
