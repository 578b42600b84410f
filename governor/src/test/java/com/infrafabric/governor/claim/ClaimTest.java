package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.TokenTotals;
import com.infrafabric.governor.budget.UsageStatus;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    assertThat(result.reputationPpm()).hasValue(550_000);
    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    assertThat(rig.governor.usage(t + "/proj", Window.LIFETIME).spentMicros()).isEqualTo(2_500);
    assertThat(rig.governor.usage(t + "/proj", Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.claim(task("t1", t + "/proj", Map.of("python", 1), 10_000)))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.TASK_COMPLETED));
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aRetriedClaimReturnsTheFirstClaimAndTakesOneSlot() {
    String t = freshTenant("claim-replay");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 2));
    ClaimRequest request =
        new ClaimRequest(task("t1", t + "/p", Map.of("python", 1), 10_000), GovernorRig.newKey());

    Claimed first = (Claimed) Await.result(rig.claims.claim(request));
    Claimed again = (Claimed) Await.result(rig.claims.claim(request));

    assertThat(again.replayed()).isTrue();
    assertThat(again.lease()).isEqualTo(first.lease());
    assertThat(again.reservation()).isEqualTo(first.reservation());
    assertThat(rig.agent(t, "a1").busySlots()).isEqualTo(1);
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(3_000);
  }

  @Test
  void aRetriedFinishIsCommittedOnce() {
    String t = freshTenant("finish-replay");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 2));
    Claimed claim = rig.claimed(task("t1", t + "/p", Map.of("python", 1), 10_000));
    FinishRequest finish =
        new FinishRequest(
            claim.lease(),
            "a1",
            TaskOutcome.SUCCEEDED,
            Spend.amount(2_000),
            Optional.of(Duration.ofSeconds(1)),
            GovernorRig.newKey());

    FinishResult first = Await.result(rig.claims.finish(finish));
    FinishResult again = Await.result(rig.claims.finish(finish));

    assertThat(again.replayed()).isTrue();
    assertThat(again.actualMicros()).isEqualTo(first.actualMicros());
    assertThat(rig.governor.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(2_000);
    assertThat(first.reputationPpm()).hasValue(rig.agent(t, "a1").reputationPpm());
  }

  @Test
  void aFailedTaskGoesToAnotherAgentAndItsSpendIsWasted() {
    String t = freshTenant("fail");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 1));
    rig.register(contract(t, "a2", Map.of("python", 2), 3_000, 1));
    Claimed first = rig.claimed(task("t1", t + "/p", Map.of("python", 1), 10_000));

    FinishResult failed = rig.finish(first, TaskOutcome.FAILED, 1_000);
    Claimed second = rig.claimed(task("t1", t + "/p", Map.of("python", 1), 10_000));
    rig.finish(second, TaskOutcome.SUCCEEDED, 3_000);

    assertThat(failed.reputationPpm()).hasValue(450_000);
    assertThat(second.agentId()).isNotEqualTo(first.agentId());
    assertThat(second.lease().number()).isEqualTo(2);
    CostWaste waste = Await.result(rig.claims.costWaste(t));
    assertThat(waste).isEqualTo(new CostWaste(t, 4_000, 1_000));
    assertThat(waste.ratio()).isEqualTo(0.25);
    assertThat(spendCounter(t, "wasted")).isEqualTo(1_000);
    assertThat(spendCounter(t, "total")).isEqualTo(4_000);
  }

  @Test
  void reputationFollowsOutcomesAgainstTheSloAndDecidesBetweenEqualAgents() {
    String t = freshTenant("reputation");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    // Both agents' slots go to one subtree's tasks here (SubtreeShareTest pins the default share).
    rig.policy(t, TenantPolicy.builder().subtreeSharePermille(1000).build());
    rig.register(contract(t, "a-slow", Map.of("go", 1), 1_000, 1));
    rig.register(contract(t, "b-fast", Map.of("go", 1), 1_000, 1));

    Claimed first = rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));
    Claimed second = rig.claimed(task("t2", t + "/p", Map.of("go", 1), 10_000));
    FinishResult slow = finishAfter(first, Duration.ofSeconds(30));
    FinishResult fast = finishAfter(second, Duration.ofSeconds(2));

    assertThat(List.of(first.agentId(), second.agentId())).containsExactly("a-slow", "b-fast");
    assertThat(slow.reputationPpm()).hasValue(500_000);
    assertThat(fast.reputationPpm()).hasValue(550_000);
    assertThat(rig.claimed(task("t3", t + "/p", Map.of("go", 1), 10_000)).agentId())
        .isEqualTo("b-fast");
  }

  /**
   * Regression: a success reported with no latency was sampled as on time (the route read it as 0
   * ms), so three such finishes pumped reputation as fast as honest fast ones. Unreported, it now
   * counts as late: leaving the latency out earns no more than reporting a slow one.
   */
  @Test
  void aSuccessWithNoLatencyCountsAsLate() {
    String t = freshTenant("no-latency");
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 1_000, 1));

    Claimed claim = rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));
    FinishResult unreported =
        Await.result(
            rig.claims.finish(
                new FinishRequest(
                    claim.lease(),
                    claim.agentId(),
                    TaskOutcome.SUCCEEDED,
                    Spend.amount(1_000),
                    Optional.empty(),
                    GovernorRig.newKey())));

    assertThat(unreported.reputationPpm()).hasValue(500_000);
  }

  /**
   * A finish reads and writes the scope's token counters only when it reports tokens: one reporting
   * an amount alone must leave the tokens recorded before it exactly as they were, in every window.
   */
  @Test
  void aFinishWithoutTokensKeepsTheTokensRecordedBeforeAndOneWithTokensAddsThem() {
    String t = freshTenant("finish-tokens");
    String scope = t + "/proj";
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.governor.budget(t, Window.DAY, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 2), 3_000, 1));

    finishTask(scope, "t1", new Spend.Fixed(2_000, new TokenUsage(10, 2, 5)));
    finishTask(scope, "t2", Spend.amount(1_000));

    for (Window window : Window.values()) {
      UsageStatus usage = rig.governor.usage(scope, window);
      assertThat(usage.spentMicros()).as(window.name()).isEqualTo(3_000);
      assertThat(usage.reservedMicros()).as(window.name()).isZero();
      assertThat(usage.tokens()).as(window.name()).isEqualTo(new TokenTotals(10, 2, 5));
    }

    finishTask(scope, "t3", new Spend.Fixed(500, new TokenUsage(1, 0, 7)));

    assertThat(rig.governor.usage(scope, Window.DAY).tokens())
        .isEqualTo(new TokenTotals(11, 2, 12));
    assertThat(rig.governor.usage(t, Window.LIFETIME).tokens())
        .isEqualTo(new TokenTotals(11, 2, 12));
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  /** Claims a task on {@code scope} and finishes it as a success that spent {@code spend}. */
  private static void finishTask(String scope, String taskId, Spend spend) {
    finish(
        rig.claimed(task(taskId, scope, Map.of("python", 1), 10_000)),
        spend,
        Duration.ofSeconds(1));
  }

  private static FinishResult finishAfter(Claimed claim, Duration latency) {
    return finish(claim, Spend.amount(1_000), latency);
  }

  private static FinishResult finish(Claimed claim, Spend spend, Duration latency) {
    return Await.result(
        rig.claims.finish(
            new FinishRequest(
                claim.lease(),
                claim.agentId(),
                TaskOutcome.SUCCEEDED,
                spend,
                Optional.of(latency),
                GovernorRig.newKey())));
  }

  private static double spendCounter(String tenant, String kind) {
    return rig.meters
        .get("governor.task.spend")
        .tag("tenant", tenant)
        .tag("kind", kind)
        .counter()
        .count();
  }
}
