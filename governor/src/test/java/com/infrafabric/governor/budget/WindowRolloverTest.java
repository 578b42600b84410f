package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.LayerStatus;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class WindowRolloverTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private GovernorRig rig;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-30T23:59:00Z"));
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void aNewDayStartsAtZeroWhileTheLifetimeWindowKeepsCounting() {
    String t = freshTenant("day");
    Await.result(
        rig.budgets.put(
            new Budget(
                Scope.parse(t),
                java.util.Map.of(
                    Window.DAY,
                    Limit.of(100),
                    Window.MONTH,
                    Limit.of(150),
                    Window.LIFETIME,
                    Limit.of(1_000))),
            GovernorRig.ADMIN));
    rig.charge(t + "/p", 100);
    assertThat(rig.reserve(t + "/p", 1)).isInstanceOf(Denied.class);

    rig.clock.advance(Duration.ofMinutes(2));

    Reserved reserved = rig.reserved(t + "/p", 100);
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isZero();
    assertThat(rig.usage(t, Window.MONTH).spentMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(100);
    assertThat(reserved.layers())
        .filteredOn(l -> l.window() == Window.DAY)
        .extracting(LayerStatus::resetsAt)
        .containsExactly(Instant.parse("2026-12-02T00:00:00Z"));
  }

  @Test
  void aReservationTakenYesterdayIsGivenBackToYesterdayAndSpentToday() {
    String t = freshTenant("cross");
    rig.budget(t, Window.DAY, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 400);

    rig.clock.advance(Duration.ofMinutes(2));
    rig.commit(reserved.id(), 300);

    assertThat(rig.usage(t, Window.DAY).spentMicros()).isEqualTo(300);
    assertThat(rig.usage(t, Window.DAY).reservedMicros()).isZero();
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void dayWindowsFollowTheTenantZoneEvenForAnEngineThatCachedTheOldOne() {
    String t = freshTenant("zone");
    // Another node sets the zone, allowed while nothing was counted: this rig's engine, which never
    // heard of the tenant, believes the default, UTC.
    try (GovernorRig otherNode = new GovernorRig(REDIS.endpoint(), rig.clock)) {
      Await.result(otherNode.budgets.setZone(t, "America/New_York", GovernorRig.ADMIN));
    }
    rig.budget(t, Window.DAY, 100);
    rig.charge(t + "/p", 100);

    rig.clock.advance(Duration.ofMinutes(2));

    // 00:01 UTC on Dec 1 is still Nov 30 (19:01) in New York: the day's spend still counts, which a
    // window computed in the stale UTC zone would have missed.
    ReserveOutcome outcome = rig.reserve(t + "/p", 1);

    assertThat(outcome).isInstanceOf(Denied.class);
    assertThat(outcome.layers().get(0).resetsAt()).isEqualTo(Instant.parse("2026-12-01T05:00:00Z"));
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isEqualTo(100);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(100);
  }

  /**
   * Once a tenant has spent its zone stays: moving it would start today's window afresh (the
   * adversarial probe spent a day cap, moved the zone to -18:00 and spent it again the same day).
   * Setting the zone it has still answers, and nothing changes.
   */
  @Test
  void aTenantThatSpentKeepsItsZoneSoNoSpendIsForgiven() {
    String t = freshTenant("zone-fixed");
    rig.budget(t, Window.DAY, 100);
    rig.charge(t + "/p", 100);

    assertThatThrownBy(() -> Await.result(rig.budgets.setZone(t, "-18:00", GovernorRig.ADMIN)))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.ZONE_IN_USE);
              assertThat(e.details()).containsEntry("zone", "UTC");
            });
    Await.result(rig.budgets.setZone(t, "UTC", GovernorRig.ADMIN));
    // Deleting the budget first changes nothing: the counters stay, so does the zone (the
    // re-probe deleted, moved the zone, put the budget back and spent the cap again).
    Await.result(rig.budgets.delete(Scope.parse(t), GovernorRig.ADMIN));
    assertThatThrownBy(() -> Await.result(rig.budgets.setZone(t, "-18:00", GovernorRig.ADMIN)))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ZONE_IN_USE));
    rig.budget(t, Window.DAY, 100);

    assertThat(rig.reserve(t + "/p", 50)).isInstanceOf(Denied.class);
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isEqualTo(100);
  }
}
