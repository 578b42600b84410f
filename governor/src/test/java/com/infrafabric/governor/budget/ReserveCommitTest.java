package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ReserveCommitTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aReservationThatOneLayerCannotHoldChangesNoLayerAtAll() {
    String t = freshTenant("aon");
    rig.budget(t, Window.LIFETIME, 1_000);
    rig.budget(t + "/proj", Window.DAY, 500);
    rig.reserved(t + "/proj/agent/task", 450);

    ReserveOutcome outcome = rig.reserve(t + "/proj/agent/task", 100);

    assertThat(outcome).isInstanceOf(Denied.class);
    Denied denied = (Denied) outcome;
    assertThat(denied.refusals())
        .containsExactly(new Refusal(Scope.parse(t + "/proj"), Window.DAY, 50));
    assertThat(denied.tightest().orElseThrow().scope().path()).isEqualTo(t + "/proj");
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(450);
    assertThat(rig.usage(t + "/proj/agent/task", Window.DAY).reservedMicros()).isEqualTo(450);
    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve");
  }

  @Test
  void reservationReportsEveryCappedLayerWithItsResetTime() {
    String t = freshTenant("layers");
    rig.budget(t, Window.MONTH, 10_000);
    rig.budget(t + "/p", Window.DAY, 1_000);

    Reserved reserved = rig.reserved(t + "/p/a", 300);

    assertThat(reserved.amountMicros()).isEqualTo(300);
    assertThat(reserved.expiresAt()).isEqualTo(rig.clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(reserved.layers())
        .containsExactly(
            new LayerStatus(
                Scope.parse(t),
                Window.MONTH,
                10_000,
                0,
                300,
                java.time.Instant.parse("2026-12-01T00:00:00Z")),
            new LayerStatus(
                Scope.parse(t + "/p"),
                Window.DAY,
                1_000,
                0,
                300,
                java.time.Instant.parse("2026-11-24T00:00:00Z")));
    assertThat(reserved.tightest().orElseThrow().remainingMicros()).isEqualTo(700);
  }

  @Test
  void commitReplacesTheHoldWithTheActualCostAndReleasesTheRest() {
    String t = freshTenant("commit");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 400);

    CommitResult result = rig.commit(reserved.id(), 250);

    assertThat(result.reservedMicros()).isEqualTo(400);
    assertThat(result.actualMicros()).isEqualTo(250);
    assertThat(result.releasedMicros()).isEqualTo(150);
    assertThat(result.overage()).isFalse();
    assertThat(result.late()).isFalse();
    UsageStatus usage = rig.usage(t, Window.LIFETIME);
    assertThat(usage.spentMicros()).isEqualTo(250);
    assertThat(usage.reservedMicros()).isZero();
    assertThat(usage.remainingMicros()).hasValue(750);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void anActualCostAboveTheHoldIsRecordedInFullAndFlaggedAsOverage() {
    String t = freshTenant("overage");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 900);

    CommitResult result = rig.commit(reserved.id(), 1_200);

    assertThat(result.overage()).isTrue();
    assertThat(result.releasedMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(1_200);
    assertThat(rig.usage(t, Window.LIFETIME).remainingMicros()).hasValue(0);
    assertThat(rig.reserve(t + "/p", 1)).isInstanceOf(Denied.class);
    assertThat(rig.ledger(t).get(1).fields()).containsEntry("ovr", "1");
  }

  @Test
  void commitPricesTokensWithTheCatalogueAndRecordsThem() {
    String t = freshTenant("tokens");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    Reserved reserved =
        (Reserved)
            Await.result(
                rig.engine.reserve(
                    new ReserveRequest(
                        Scope.parse(t + "/p"),
                        Spend.estimate("gpt-test", 1_000, 500),
                        null,
                        GovernorRig.newKey())));
    // 1000 * 2.5 + 500 * 10 = 7500 micro-dollars
    assertThat(reserved.amountMicros()).isEqualTo(7_500);

    CommitResult result =
        Await.result(
            rig.engine.commit(
                new CommitRequest(
                    reserved.id(),
                    Spend.tokens("gpt-test", new TokenUsage(800, 200, 101)),
                    GovernorRig.newKey())));

    // 800 * 2.5 + 200 * 1.25 + 101 * 10 = 2000 + 250 + 1010 = 3260
    assertThat(result.actualMicros()).isEqualTo(3_260);
    UsageStatus usage = rig.usage(t + "/p", Window.DAY);
    assertThat(usage.tokens()).isEqualTo(new TokenTotals(800, 200, 101));
    LedgerEntry commit = rig.ledger(t).get(1);
    assertThat(commit.fields()).containsEntry("model", "gpt-test").containsKey("pv");
  }

  @Test
  void releaseGivesTheHoldBackAndASecondReleaseChangesNothing() {
    String t = freshTenant("release");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 600);

    ReleaseResult first = rig.release(reserved.id());
    ReleaseResult second = rig.release(reserved.id());

    assertThat(first.releasedMicros()).isEqualTo(600);
    assertThat(first.state()).isEqualTo("released");
    assertThat(second.releasedMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThatThrownBy(() -> rig.commit(reserved.id(), 10))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESERVATION_NOT_ACTIVE));
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCommittedReservationCannotBeCommittedAgainOrReleased() {
    String t = freshTenant("twice");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 100);
    rig.commit(reserved.id(), 100);

    assertThatThrownBy(() -> rig.commit(reserved.id(), 100))
        .hasMessageContaining("already committed");
    assertThatThrownBy(() -> rig.release(reserved.id())).hasMessageContaining("already committed");
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(100);
  }

  @Test
  void directChargesAreRecordedEvenBeyondTheCapAndSayWhichCapsTheyExceeded() {
    String t = freshTenant("charge");
    rig.budget(t, Window.LIFETIME, 1_000);
    rig.budget(t + "/p", Window.LIFETIME, 300);

    ChargeResult within = rig.charge(t + "/p/a", 200);
    ChargeResult beyond = rig.charge(t + "/p/a", 200);

    assertThat(within.overCap()).isEmpty();
    assertThat(beyond.overCap())
        .containsExactly(new Refusal(Scope.parse(t + "/p"), Window.LIFETIME, 100));
    assertThat(rig.usage(t + "/p/a", Window.LIFETIME).spentMicros()).isEqualTo(400);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCallerConfinedToASubtreeCannotSettleAReservationOutsideIt() {
    String t = freshTenant("within");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/team-a/agent", 100);
    Scope sibling = Scope.parse(t + "/team-b");

    assertThatThrownBy(
            () ->
                Await.result(
                    rig.engine.commit(
                        new CommitRequest(
                            reserved.id(), Spend.amount(100), GovernorRig.newKey(), sibling))))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESERVATION_NOT_FOUND));
    assertThatThrownBy(
            () ->
                Await.result(
                    rig.engine.release(
                        reserved.id(), GovernorRig.newKey(), sibling, ReservationHolder.NONE)))
        .isInstanceOf(GovernorException.class);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(100);

    ReleaseResult own =
        Await.result(
            rig.engine.release(
                reserved.id(),
                GovernorRig.newKey(),
                Scope.parse(t + "/team-a"),
                ReservationHolder.NONE));
    assertThat(own.releasedMicros()).isEqualTo(100);
  }

  @Test
  void statusShowsUncappedLayersToo() {
    String t = freshTenant("status");
    rig.budget(t, Window.DAY, 5_000);
    rig.charge(t + "/p/a", 70);

    UsageStatus uncapped = rig.usage(t + "/p/a", Window.MONTH);
    assertThat(uncapped.capMicros()).isEmpty();
    assertThat(uncapped.spentMicros()).isEqualTo(70);
    assertThat(uncapped.remainingMicros()).isEmpty();
    assertThat(rig.usage(t, Window.DAY).remainingMicros()).hasValue(4_930);
  }
}
