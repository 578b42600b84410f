package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class IdempotencyTest {

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

  /**
   * Idempotency records are most of what Redis keeps per request (README, Redis memory): a
   * reservation's record on three layers with a cap each takes 402 bytes with its layers written as
   * arrays, against 520 as objects.
   */
  @Test
  void aReservationsIdempotencyRecordOnThreeCappedLayersStaysSmall() {
    String t = freshTenant("record-size");
    rig.budget(t, Window.LIFETIME, 1_000_000_000_000L);
    rig.budget(t + "/project", Window.DAY, 1_000_000_000_000L);
    rig.budget(t + "/project/agent", Window.MONTH, 1_000_000_000_000L);
    IdempotencyKey key = GovernorRig.newKey();

    rig.reserve(t + "/project/agent", 7_500, key);

    long bytes =
        Await.result(
                rig.redis.send(
                    Request.cmd(Command.STRLEN).arg(TenantKeyNames.of(t).idempotency(key))))
            .toLong();
    assertThat(bytes).isBetween(100L, 440L);
  }

  @Test
  void aRepeatedReserveReturnsTheFirstReservationAndHoldsOnce() {
    String t = freshTenant("replay");
    rig.budget(t, Window.LIFETIME, 1_000);
    IdempotencyKey key = GovernorRig.newKey();

    Reserved first = (Reserved) rig.reserve(t + "/p", 300, key);
    Reserved again = (Reserved) rig.reserve(t + "/p", 300, key);

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.replayed()).isTrue();
    assertThat(first.replayed()).isFalse();
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(300);
    assertThat(rig.ledger(t)).hasSize(1);
  }

  @Test
  void concurrentRetriesOfOneRequestHoldOnce() throws InterruptedException {
    String t = freshTenant("retries");
    rig.budget(t, Window.LIFETIME, 1_000);
    IdempotencyKey key = GovernorRig.newKey();

    List<ReserveOutcome> outcomes =
        Concurrently.run(16, Duration.ofSeconds(30), i -> () -> rig.reserve(t + "/p", 100, key));

    assertThat(outcomes.stream().map(o -> ((Reserved) o).id()).distinct()).hasSize(1);
    assertThat(outcomes.stream().filter(o -> !((Reserved) o).replayed())).hasSize(1);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(100);
  }

  @Test
  void theSameKeyForADifferentRequestIsAConflictAndChangesNothing() {
    String t = freshTenant("conflict");
    rig.budget(t, Window.LIFETIME, 1_000);
    IdempotencyKey key = GovernorRig.newKey();
    rig.reserve(t + "/p", 300, key);

    assertThatThrownBy(() -> rig.reserve(t + "/p", 301, key))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT));
    assertThatThrownBy(() -> rig.reserve(t + "/q", 300, key)).isInstanceOf(GovernorException.class);
    assertThat(rig.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(300);
  }

  @Test
  void aRepeatedCommitIsBilledOnce() {
    String t = freshTenant("commit-replay");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 500);
    IdempotencyKey key = GovernorRig.newKey();
    CommitRequest commit = new CommitRequest(reserved.id(), Spend.amount(420), key);

    CommitResult first = Await.result(rig.engine.commit(commit));
    CommitResult again = Await.result(rig.engine.commit(commit));

    assertThat(again.replayed()).isTrue();
    assertThat(again.actualMicros()).isEqualTo(first.actualMicros()).isEqualTo(420);
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(420);
    assertThatThrownBy(
            () ->
                Await.result(
                    rig.engine.commit(new CommitRequest(reserved.id(), Spend.amount(421), key))))
        .hasMessageContaining("different request");
  }

  /**
   * Regression: every release of a reservation that had already ended wrote a 25-hour idempotency
   * record, under a fresh key each time: a probe's agent wrote 8,000 in 8 s, shared memory nobody
   * paid for. Such a release still says how the reservation ended, and remembers nothing.
   */
  @Test
  void releasingAnEndedReservationRemembersNothing() {
    String t = freshTenant("release-ended");
    rig.budget(t, Window.LIFETIME, 1_000);
    Reserved reserved = rig.reserved(t + "/p", 500);
    assertThat(rig.release(reserved.id()).releasedMicros()).isEqualTo(500);
    long keys = keysInRedis();

    for (int i = 0; i < 20; i++) {
      ReleaseResult again = rig.release(reserved.id());
      assertThat(again.state()).isEqualTo("released");
      assertThat(again.releasedMicros()).isZero();
    }

    assertThat(keysInRedis()).isEqualTo(keys);
  }

  private static long keysInRedis() {
    return Await.result(rig.redis.send(Request.cmd(Command.DBSIZE))).toLong();
  }

  @Test
  void aRepeatedChargeIsRecordedOnce() {
    String t = freshTenant("charge-replay");
    rig.budget(t, Window.LIFETIME, 1_000);
    ChargeRequest charge =
        new ChargeRequest(Scope.parse(t + "/p"), Spend.amount(42), GovernorRig.newKey());

    ChargeResult first = Await.result(rig.engine.charge(charge));
    ChargeResult again = Await.result(rig.engine.charge(charge));

    assertThat(again.chargeId()).isEqualTo(first.chargeId());
    assertThat(again.replayed()).isTrue();
    assertThat(rig.usage(t, Window.LIFETIME).spentMicros()).isEqualTo(42);
  }

  @Test
  void aDenialIsNotRememberedSoARetryAfterACapIncreaseSucceeds() {
    String t = freshTenant("denied-retry");
    rig.budget(t, Window.LIFETIME, 100);
    IdempotencyKey key = GovernorRig.newKey();

    assertThat(rig.reserve(t + "/p", 200, key)).isInstanceOf(ReserveOutcome.Denied.class);
    rig.budget(t, Window.LIFETIME, 1_000);

    assertThat(rig.reserve(t + "/p", 200, key)).isInstanceOf(Reserved.class);
  }
}
