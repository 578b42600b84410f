package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.HeartbeatOutcome.Extended;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim path adds to the same counters as the budget (a claim holds the agent's cost, a finish
 * commits the task's spend and counts cost waste), so it stops at {@link Money#MAX_MICROS} too:
 * refused with {@code COUNTER_LIMIT}, task, lease, agent and waste unchanged.
 */
@Timeout(60)
class ClaimCounterLimitTest {

  private static final long MAX = Money.MAX_MICROS;

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
  void aClaimWhoseHoldWouldPassTheMaximumIsRefusedAndChangesNothing() {
    String t = tenantWithOneAgent("claim-max");
    rig.governor.charge(t + "/other", MAX - 9);

    assertCounterLimit(() -> rig.claim(task("t1", t + "/work", Map.of("python", 1), 100)), t);

    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    assertThat(rig.governor.usage(t + "/work", Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aFinishWhoseSpendWouldPassTheMaximumIsRefusedAndTheLeaseStaysActive() {
    String t = tenantWithOneAgent("finish-max");
    Claimed claim = rig.claimed(task("t1", t + "/work", Map.of("python", 1), 100));
    rig.governor.charge(t + "/other", MAX - 10);

    assertCounterLimit(() -> rig.finish(claim, TaskOutcome.FAILED, 11), t);

    assertThat(rig.heartbeat(claim)).isInstanceOf(Extended.class);
    assertThat(Await.result(rig.claims.costWaste(t)).totalMicros()).isZero();
    FinishResult finished = rig.finish(claim, TaskOutcome.FAILED, 10);
    assertThat(finished.actualMicros()).isEqualTo(10);
    assertThat(Await.result(rig.claims.costWaste(t)).wastedMicros()).isEqualTo(10);
    assertThat(rig.governor.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(MAX);
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  /**
   * A tenant whose projects {@code work} and {@code other} each have the largest lifetime cap, and
   * one agent {@code a1} of cost 10.
   */
  private static String tenantWithOneAgent(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t + "/work", Window.LIFETIME, MAX);
    rig.governor.budget(t + "/other", Window.LIFETIME, MAX);
    rig.register(contract(t, "a1", Map.of("python", 1), 10, 1));
    return t;
  }

  private static void assertCounterLimit(ThrowingCallable call, String scope) {
    assertThat(assertRefused(ErrorCode.COUNTER_LIMIT, call).details())
        .containsEntry("scope", scope)
        .containsEntry("max", MAX);
  }
}
