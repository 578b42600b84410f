package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: an LLM call a service made upstream went uncharged when its settlement never reached
 * Redis. The gateway and the chassis reserve a call's worst case under their service holder, call
 * the provider, then commit what it used; a node killed in between, or a store unreachable until
 * the reservation's expiry, left the hold to its expiry, which released it: the provider billed a
 * call no budget saw. A service's hold still active at its expiry is now committed at its worst
 * case by that expiry, once, and a commit arriving after it charges nothing more; an agent's hold
 * is still released.
 */
@Timeout(60)
class ServiceHoldExpiryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final ReservationHolder GATEWAY = ReservationHolder.service("gateway");
  private static final ReservationHolder CHASSIS = ReservationHolder.service("chassis");
  private static final Duration TTL = Duration.ofSeconds(10);

  private GovernorRig rig;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void aGatewayHoldLeftToExpireIsCommittedAtItsWorstCase() {
    String t = freshTenant("gw-expiry");
    rig.budget(t, Window.LIFETIME, 1_000, 50);
    Reserved reserved = reserve(t + "/p", 700, GATEWAY);

    rig.clock.advance(TTL);
    sweep();

    UsageStatus usage = rig.usage(t, Window.LIFETIME);
    assertThat(usage.spentMicros()).isEqualTo(700);
    assertThat(usage.reservedMicros()).isZero();
    assertThat(rig.usage(t + "/p", Window.LIFETIME).spentMicros()).isEqualTo(700);
    List<LedgerEntry> ledger = rig.ledger(t);
    assertThat(ledger).extracting(LedgerEntry::type).containsExactly("reserve", "commit");
    LedgerEntry charged = ledger.get(1);
    assertThat(charged.reference()).isEqualTo(reserved.id().toString());
    assertThat(charged.fields()).containsEntry("by", "expiry");
    assertThat(charged.amountMicros()).isEqualTo(700);
    assertThat(charged.spentDeltaMicros()).isEqualTo(700);
    assertThat(charged.reservedDeltaMicros()).isEqualTo(-700);
    assertThat(events(t)).containsExactly("budget.threshold_crossed 50");
    assertThat(recorded(reserved.id(), "state")).isEqualTo("committed");
    assertThat(recorded(reserved.id(), "actual")).isEqualTo("700");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  /**
   * Regression: the commit an expiry made named no virtual key, so spend grouped by key left out
   * exactly the calls whose settlement was lost.
   */
  @Test
  void theExpiryChargeOfAKeysCallIsSpendOfThatKey() {
    String t = freshTenant("gw-expiry-key");
    rig.budget(t, Window.LIFETIME, 1_000);
    reserve(t + "/p", 700, GATEWAY, new CallAttribution("vk_expiring", "", -1, ""));
    reserve(t + "/p", 100, GATEWAY);

    rig.clock.advance(TTL);
    sweep();

    assertThat(rig.ledger(t))
        .filteredOn(entry -> entry.type().equals("commit"))
        .extracting(entry -> entry.fields().get("kid"), LedgerEntry::amountMicros)
        .containsExactlyInAnyOrder(tuple("vk_expiring", 700L), tuple(null, 100L));
  }

  @Test
  void aChassisHoldLeftToExpireIsCommittedAtItsWorstCase() {
    String t = freshTenant("chassis-expiry");
    rig.budget(t, Window.LIFETIME, 1_000);
    reserve(t + "/p", 400, CHASSIS);

    rig.clock.advance(TTL);
    sweep();

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(400);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve", "commit");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void anAgentHoldLeftToExpireIsReleasedAsBefore() {
    String t = freshTenant("agent-expiry");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserve(t + "/p", 700, ReservationHolder.principal("agent-7"));

    rig.clock.advance(TTL);
    sweep();

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve", "expire");
    assertThat(recorded(reserved.id(), "state")).isEqualTo("expired");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aLateCommitAfterTheExpiryChargeChargesNothingMore() {
    String t = freshTenant("late-after-charge");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserve(t + "/p", 700, GATEWAY);
    rig.clock.advance(TTL);
    sweep();

    CommitResult late = commit(reserved.id(), 250, GATEWAY);

    assertThat(late.settledByExpiry()).isTrue();
    assertThat(late.late()).isTrue();
    assertThat(late.actualMicros()).isEqualTo(700);
    assertThat(late.releasedMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(700);
    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve", "commit");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aCommitPastTheExpiryBeforeTheSweeperRanIsTheExpiryCharge() {
    String t = freshTenant("late-before-sweep");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserve(t + "/p", 700, GATEWAY);
    rig.clock.advance(TTL);

    CommitResult late = commit(reserved.id(), 250, GATEWAY);
    sweep();

    assertThat(late.settledByExpiry()).isTrue();
    assertThat(late.actualMicros()).isEqualTo(700);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(700);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    List<LedgerEntry> ledger = rig.ledger(t);
    assertThat(ledger).extracting(LedgerEntry::type).containsExactly("reserve", "commit");
    assertThat(ledger.get(1).fields()).containsEntry("by", "expiry");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aReleasePastTheExpiryIsRefusedAsTheExpiryCommittedTheHold() {
    String t = freshTenant("release-after-charge");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserve(t + "/p", 700, GATEWAY);
    rig.clock.advance(TTL);

    assertThatThrownBy(
            () ->
                Await.result(
                    rig.engine.release(reserved.id(), GovernorRig.newKey(), null, GATEWAY)))
        .isInstanceOfSatisfying(
            GovernorException.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.RESERVATION_NOT_ACTIVE));

    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(700);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void aServiceHoldExpiringTheNextDayIsSpentInTheDayItWasHeld() {
    rig.clock.set(java.time.Instant.parse("2026-11-23T23:59:30Z"));
    String t = freshTenant("gw-rollover");
    rig.budget(t, Window.DAY, 1_000);
    reserve(t + "/p", 400, GATEWAY);

    rig.clock.advance(Duration.ofMinutes(1));
    sweep();

    LedgerEntry charged = rig.ledger(t).get(1);
    assertThat(charged.spentWindows()).contains("d20261123").doesNotContain("d20261124");
    assertThat(rig.usage(t, Window.DAY).spentMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(400);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  private Reserved reserve(String scope, long micros, ReservationHolder holder) {
    return reserve(scope, micros, holder, CallAttribution.NONE);
  }

  private Reserved reserve(
      String scope, long micros, ReservationHolder holder, CallAttribution attribution) {
    return (Reserved)
        Await.result(
            rig.engine.reserve(
                new ReserveRequest(
                    Scope.parse(scope),
                    Spend.amount(micros),
                    TTL,
                    GovernorRig.newKey(),
                    attribution,
                    "",
                    holder)));
  }

  private CommitResult commit(ReservationId id, long micros, ReservationHolder holder) {
    return Await.result(
        rig.engine.commit(
            new CommitRequest(id, Spend.amount(micros), GovernorRig.newKey(), null, holder)));
  }

  /** A field of the reservation's record as Redis keeps it. */
  private String recorded(ReservationId id, String field) {
    String key = TenantKeyNames.of(id.tenant()).reservation(id);
    return Await.result(rig.redis.send(key, Request.cmd(Command.HGET).arg(key).arg(field)))
        .toString();
  }

  private void sweep() {
    while (Await.result(rig.sweeper.sweepOnce()) > 0) {}
  }

  /** The tenant's budget events as "type threshold". */
  private List<String> events(String tenant) {
    Response reply =
        Await.result(
            rig.redis.send(
                Request.cmd(Command.XRANGE).arg("gov:{" + tenant + "}:events").arg("-").arg("+")));
    List<String> events = new ArrayList<>();
    for (Response entry : reply) {
      Response fields = entry.get(1);
      String type = "", pct = "";
      for (int i = 0; i < fields.size(); i += 2) {
        switch (fields.get(i).toString()) {
          case "type" -> type = fields.get(i + 1).toString();
          case "threshold_pct" -> pct = fields.get(i + 1).toString();
          default -> {}
        }
      }
      events.add(type + " " + pct);
    }
    return events;
  }
}
