package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReservationSweeper;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.HeartbeatOutcome.Extended;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.registry.BreakerState;
import com.infrafabric.governor.registry.SubtreeStanding;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LeaseExpiryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;
  private static ReservationSweeper sweeper;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
    sweeper =
        new ReservationSweeper(
            rig.governor.redis,
            100,
            t -> rig.claims.expireDue(t, 100),
            "leases",
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static Claimed claimOne(String t, String agent) {
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, agent, Map.of("go", 1), 4_000, 1));
    return rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));
  }

  /**
   * Regression (review's probe): repeating a claim under its idempotency key after its lease
   * expired answered the stored claim again, a dead lease the dispatcher would hand an agent (the
   * CLI derives the key from the task, so rerunning it did this for a day). While the lease lives
   * the repeat is the same answer; once it ended (here by expiry, found by the repeat itself) it is
   * 409 LEASE_ENDED naming the lease, and the task is free for a claim under a new key.
   */
  @Test
  void aRepeatedClaimWhoseLeaseEndedIsLeaseEndedNotTheOldAnswer() {
    String t = freshTenant("again");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 4_000, 1));
    TaskSpec task = task("t1", t + "/p", Map.of("go", 1), 10_000);
    ClaimRequest request = new ClaimRequest(task, GovernorRig.newKey());
    Claimed first = (Claimed) Await.result(rig.claims.claim(request));

    Claimed repeated = (Claimed) Await.result(rig.claims.claim(request));
    assertThat(repeated.replayed()).isTrue();
    assertThat(repeated.lease()).isEqualTo(first.lease());

    rig.clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> Await.result(rig.claims.claim(request)))
        .isInstanceOfSatisfying(
            GovernorException.class,
            ended -> {
              assertThat(ended.code()).isEqualTo(ErrorCode.LEASE_ENDED);
              assertThat(ended.getMessage()).contains(first.lease().toString(), "expired");
            });
    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    rig.register(contract(t, "a2", Map.of("go", 1), 4_000, 1));
    Claimed again = rig.claimed(task);
    assertThat(again.lease().number()).isEqualTo(2);
    assertThat(again.agentId()).isEqualTo("a2");
  }

  @Test
  void anExpiredLeaseReleasesTheSlotTheTaskAndTheReservationThroughTheSweeper() {
    String t = freshTenant("sweep");
    Claimed claim = claimOne(t, "a1");

    rig.clock.advance(Duration.ofSeconds(59));
    Await.result(sweeper.sweepOnce());
    assertThat(rig.agent(t, "a1").busySlots()).isEqualTo(1);

    rig.clock.advance(Duration.ofSeconds(1));
    sweepUntilDone();

    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    // An expiry counts as a failure in the task's subtree, p: reputation there moves 10% of the way
    // from 500,000 toward 0, and so does the tenant-wide one while p is the only subtree reporting.
    assertThat(rig.agent(t, "a1").subtrees())
        .containsExactly(new SubtreeStanding("p", 450_000, 1, BreakerState.CLOSED));
    assertThat(rig.agent(t, "a1").reputationPpm()).isEqualTo(450_000);
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.governor.ledger(t))
        .extracting(LedgerEntry::type)
        .containsExactly("agent", "reserve", "claim", "expire", "lease_expire");
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
    assertThat(rig.meters.get("governor.lease.expiries").counter().count()).isPositive();
    assertLeaseEnded(claim, "expired");

    assertThat(rig.claim(task("t1", t + "/p", Map.of("go", 1), 10_000)))
        .isInstanceOfSatisfying(
            ClaimOutcome.NotClaimed.class,
            n -> assertThat(n.counts()).containsEntry("owned_before", 1L));
    rig.register(contract(t, "a2", Map.of("go", 1), 4_000, 1));
    Claimed again = rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));
    assertThat(again.lease()).isEqualTo(new LeaseId(t, "t1", 2));
    assertThat(again.agentId()).isEqualTo("a2");
  }

  @Test
  void theNextClaimOfTheTenantExpiresOverdueLeasesOnTheWay() {
    String t = freshTenant("lazy");
    claimOne(t, "a1");
    rig.clock.advance(Duration.ofSeconds(61));

    Claimed next = rig.claimed(task("t2", t + "/p", Map.of("go", 1), 10_000));

    assertThat(next.agentId()).isEqualTo("a1");
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(4_000);
  }

  @Test
  void heartbeatsKeepTheLeaseAndItsReservationAlive() {
    String t = freshTenant("heartbeat");
    Claimed claim = claimOne(t, "a1");

    for (int i = 0; i < 5; i++) {
      rig.clock.advance(Duration.ofSeconds(50));
      assertThat(rig.heartbeat(claim))
          .isEqualTo(new Extended(claim.lease(), rig.clock.instant().plusSeconds(60)));
      sweepUntilDone();
    }

    assertThat(rig.agent(t, "a1").busySlots()).isEqualTo(1);
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(4_000);
    assertThat(rig.finish(claim, TaskOutcome.SUCCEEDED, 3_000).late()).isFalse();
  }

  /**
   * Regression: every heartbeat left a 25-hour idempotency record (a probe's agent pinned 355 bytes
   * of Redis a heartbeat, 3,500 a second), and one sent again under its key after the lease ended
   * was answered as active. A heartbeat keeps nothing, and one sent after the end is LEASE_ENDED.
   */
  @Test
  void heartbeatsKeepNoRecordAndOneSentAgainAfterTheLeaseEndedIsLeaseEnded() {
    String t = freshTenant("heartbeat-again");
    Claimed claim = claimOne(t, "a1");
    rig.heartbeat(claim);
    long keys = keysInRedis();

    for (int i = 0; i < 50; i++) {
      rig.heartbeat(claim);
    }

    assertThat(keysInRedis()).isEqualTo(keys);
    rig.clock.advance(Duration.ofSeconds(61));
    assertLeaseEnded(claim, "expired");
    assertLeaseEnded(claim, "expired");
  }

  private static long keysInRedis() {
    return Await.result(rig.governor.redis.send(Request.cmd(Command.DBSIZE))).toLong();
  }

  @Test
  void aReportAfterExpiryIsRecordedAsLateWastedSpendAndChangesNothingElse() {
    String t = freshTenant("late");
    Claimed claim = claimOne(t, "a1");
    rig.clock.advance(Duration.ofSeconds(61));
    sweepUntilDone();
    Await.result(rig.registry.remove(t, "a1", GovernorRig.ADMIN));

    FinishResult late = rig.finish(claim, TaskOutcome.SUCCEEDED, 2_000);

    assertThat(late.late()).isTrue();
    assertThat(late.releasedMicros()).isZero();
    assertThat(late.reputationPpm()).isEmpty();
    assertThat(late.breaker()).isEmpty();
    assertThat(rig.governor.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(2_000);
    assertThat(Await.result(rig.claims.costWaste(t))).isEqualTo(new CostWaste(t, 2_000, 2_000));
    assertThatThrownBy(() -> rig.finish(claim, TaskOutcome.SUCCEEDED, 2_000))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LEASE_ENDED));
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  /** A heartbeat on a lease that is over is refused, naming why, so its holder stops. */
  private void assertLeaseEnded(Claimed claim, String state) {
    assertThatThrownBy(() -> rig.heartbeat(claim))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.LEASE_ENDED);
              assertThat(e.details()).containsEntry("state", state);
            });
  }

  @Test
  void anAgentHoldingALeaseCannotBeRemoved() {
    String t = freshTenant("busy-removal");
    claimOne(t, "a1");

    assertThatThrownBy(() -> Await.result(rig.registry.remove(t, "a1", GovernorRig.ADMIN)))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AGENT_BUSY))
        .hasMessage("agent a1 still holds 1 leases; drain it first");
    assertThat(rig.agent(t, "a1").busySlots()).isEqualTo(1);
  }

  @Test
  void onlyTheHolderMayHeartbeatOrFinish() {
    String t = freshTenant("holder");
    Claimed claim = claimOne(t, "a1");
    HeartbeatRequest impostor = new HeartbeatRequest(claim.lease(), "a2");

    assertThatThrownBy(() -> Await.result(rig.claims.heartbeat(impostor)))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LEASE_NOT_HELD))
        .hasMessage("lease " + t + "/t1#1 is held by another agent");
    assertThatThrownBy(
            () ->
                Await.result(
                    rig.claims.heartbeat(new HeartbeatRequest(new LeaseId(t, "t1", 2), "a1"))))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TASK_NOT_FOUND));
  }

  /**
   * Disabling an agent ends its leases at once: the task goes to another agent without waiting for
   * the lease to run out, the hold is given back, the holder hears the lease is over, and
   * re-enabling the agent revives nothing.
   */
  @Test
  void disablingAnAgentEndsItsLeasesAtOnce() {
    String t = freshTenant("disabled");
    Claimed claim = claimOne(t, "a1");
    rig.register(contract(t, "a2", Map.of("go", 1), 4_000, 1));

    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DISABLED, GovernorRig.ADMIN));

    assertThat(rig.agent(t, "a1").busySlots()).isZero();
    // Disabled by an admin is not a failure of the agent's, in the task's subtree or anywhere.
    assertThat(rig.agent(t, "a1").subtrees()).isEmpty();
    assertThat(rig.agent(t, "a1").consecutiveFailures()).isZero();
    assertThat(rig.agent(t, "a1").reputationPpm()).isEqualTo(500_000);
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000)).agentId())
        .isEqualTo("a2");
    assertLeaseEnded(claim, "agent_disabled");

    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.ACTIVE, GovernorRig.ADMIN));
    assertLeaseEnded(claim, "agent_disabled");
    FinishResult late = rig.finish(claim, TaskOutcome.SUCCEEDED, 1_000);
    assertThat(late.late()).isTrue();
    assertThat(late.reputationPpm()).isEmpty();
    assertThat(rig.governor.ledger(t))
        .extracting(LedgerEntry::type)
        .containsSubsequence("agent", "expire", "lease_disable", "reserve", "claim", "commit");
    assertThat(rig.governor.reconcile(t).consistent()).isTrue();
  }

  /** A finish of a lease its agent's disabling ended is its spend reported late, not a success. */
  @Test
  void aFinishAfterTheAgentWasDisabledIsLate() {
    String t = freshTenant("disabled-finish");
    Claimed claim = claimOne(t, "a1");
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DISABLED, GovernorRig.ADMIN));

    FinishResult late = rig.finish(claim, TaskOutcome.SUCCEEDED, 1_000);

    assertThat(late.late()).isTrue();
    assertThat(late.releasedMicros()).isZero();
    assertThat(Await.result(rig.claims.costWaste(t))).isEqualTo(new CostWaste(t, 1_000, 1_000));
    assertThat(rig.agent(t, "a1").busySlots()).isZero();
  }

  /** Draining takes no new tasks but lets the leases it holds run to their end. */
  @Test
  void aDrainingAgentKeepsItsLeases() {
    String t = freshTenant("draining");
    Claimed claim = claimOne(t, "a1");
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DRAINING, GovernorRig.ADMIN));

    assertThat(rig.heartbeat(claim)).isInstanceOf(Extended.class);
    assertThat(rig.finish(claim, TaskOutcome.SUCCEEDED, 1_000).late()).isFalse();
  }

  private static void sweepUntilDone() {
    for (int pass = 0; pass < 100; pass++) {
      if (Await.result(sweeper.sweepOnce()) == 0 && pass > 0) {
        return;
      }
    }
  }
}
