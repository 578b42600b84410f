package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Denied;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.StoreDigest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class ExpiryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private GovernorRig rig;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  private Reserved reserveFor(String scope, long micros, Duration ttl) {
    return (Reserved)
        Await.result(
            rig.engine.reserve(
                new ReserveRequest(
                    Scope.parse(scope), Spend.amount(micros), ttl, GovernorRig.newKey())));
  }

  @Test
  void theSweeperGivesBackReservationsWhoseCallerDied() {
    String t = freshTenant("sweep");
    rig.budget(t, Window.LIFETIME, 1_000);
    reserveFor(t + "/p", 700, Duration.ofSeconds(10));

    rig.clock.advance(Duration.ofSeconds(9));
    Await.result(rig.sweeper.sweepOnce());
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(700);

    rig.clock.advance(Duration.ofSeconds(1));
    sweepUntilDone();

    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve", "expire");
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void theNextReservationExpiresOverdueOnesBeforeItChecksTheCap() {
    String t = freshTenant("lazy");
    rig.budget(t, Window.LIFETIME, 1_000);
    reserveFor(t + "/p", 800, Duration.ofSeconds(5));
    assertThat(rig.reserve(t + "/p", 800)).isInstanceOf(Denied.class);

    rig.clock.advance(Duration.ofSeconds(6));

    assertThat(rig.reserve(t + "/p", 800)).isInstanceOf(Reserved.class);
    assertThat(rig.ledger(t))
        .extracting(LedgerEntry::type)
        .containsExactly("reserve", "expire", "reserve");
  }

  @Test
  void aCommitAfterExpiryIsRecordedAsLateSpend() {
    String t = freshTenant("late");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserveFor(t + "/p", 300, Duration.ofSeconds(5));
    rig.clock.advance(Duration.ofSeconds(30));

    CommitResult result = rig.commit(reserved.id(), 250);

    assertThat(result.late()).isTrue();
    assertThat(result.releasedMicros()).isZero();
    UsageStatus usage = rig.usage(t, Window.LIFETIME);
    assertThat(usage.spentMicros()).isEqualTo(250);
    assertThat(usage.reservedMicros()).isZero();
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  @Test
  void releasingAnExpiredReservationSaysSoAndGivesNothingBackTwice() {
    String t = freshTenant("release-expired");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserveFor(t + "/p", 300, Duration.ofSeconds(5));
    rig.clock.advance(Duration.ofSeconds(6));

    ReleaseResult result = rig.release(reserved.id());

    assertThat(result.state()).isEqualTo("expired");
    assertThat(result.releasedMicros()).isZero();
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isZero();
  }

  /**
   * Regression: a holder released its hold after the hold's expiry (answered {@code expired},
   * nothing given back), then committed it: the commit was taken as a late one and its spend
   * recorded, where a commit after the release of an active hold is refused. The release is now
   * recorded in Redis, so a later commit, on this node or any other, is refused and writes nothing.
   */
  @Test
  void aCommitAfterTheHolderReleasedAnExpiredHoldIsRefusedOnEveryNode() {
    String t = freshTenant("release-then-commit");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved swept = reserveFor(t + "/p", 200, Duration.ofSeconds(1));
    rig.clock.advance(Duration.ofMillis(1_600));
    sweepUntilDone();
    Reserved stillActiveInRedis = reserveFor(t + "/p", 300, Duration.ofSeconds(1));
    rig.clock.advance(Duration.ofMillis(1_600));

    try (GovernorRig otherNode = new GovernorRig(REDIS.endpoint(), rig.clock)) {
      for (Reserved reserved : List.of(stillActiveInRedis, swept)) {
        ReleaseResult released = rig.release(reserved.id());
        assertThat(released.state()).isEqualTo("expired");
        assertThat(released.releasedMicros()).isZero();

        String before = StoreDigest.of(rig.redis);
        for (GovernorRig node : List.of(rig, otherNode)) {
          assertThatThrownBy(() -> node.commit(reserved.id(), 100))
              .isInstanceOfSatisfying(
                  GovernorException.class,
                  refused -> {
                    assertThat(refused.code()).isEqualTo(ErrorCode.RESERVATION_NOT_ACTIVE);
                    assertThat(refused.details()).containsEntry("state", "released");
                  });
        }
        assertThat(StoreDigest.of(rig.redis)).isEqualTo(before);
        assertThat(otherNode.release(reserved.id()).state()).isEqualTo("expired");
      }
    }
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isZero();
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  /**
   * The mirror: a late commit of an expired hold ends it as committed, so a release after it is
   * refused, and the commit repeated under its key is still answered as the first.
   */
  @Test
  void aReleaseAfterALateCommitIsRefusedAndTheCommitStillReplays() {
    String t = freshTenant("commit-then-release");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = reserveFor(t + "/p", 300, Duration.ofSeconds(1));
    rig.clock.advance(Duration.ofMillis(1_600));
    IdempotencyKey key = GovernorRig.newKey();
    CommitRequest commit = new CommitRequest(reserved.id(), Spend.amount(100), key);

    CommitResult late = Await.result(rig.engine.commit(commit));
    assertThatThrownBy(() -> rig.release(reserved.id()))
        .isInstanceOfSatisfying(
            GovernorException.class,
            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.RESERVATION_NOT_ACTIVE));
    CommitResult again = Await.result(rig.engine.commit(commit));

    assertThat(late.late()).isTrue();
    assertThat(again.replayed()).isTrue();
    assertThat(again.actualMicros()).isEqualTo(100);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(100);
    assertThat(rig.reconcile(t).consistent()).isTrue();
  }

  private void sweepUntilDone() {
    for (int pass = 0; pass < 100; pass++) {
      if (Await.result(rig.sweeper.sweepOnce()) == 0 && pass > 0) {
        return;
      }
    }
  }
}
