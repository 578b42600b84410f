package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static com.infrafabric.governor.testing.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.ReservationHolder;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
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

/**
 * The scripts themselves confine a caller to its subtree: a lease or reservation whose scope lies
 * outside it is not found, whoever the agent named, and nothing changes. The review saw a
 * dispatcher of {@code T/billing} heartbeat and finish a lease in {@code T/search}, because the
 * scripts compared only the agent id.
 */
@Timeout(60)
class SubtreeConfinementTest {

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
  void aLeaseOutsideTheCallersSubtreeIsNotFoundToHeartbeatOrFinish() {
    String t = freshTenant("lease-scope");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    rig.register(contract(t, "a1", Map.of("python", 1), 1_000, 2));
    Claimed claim = rig.claimed(task("t1", t + "/search/t1", Map.of("python", 1), 10_000));

    for (Scope outside : List.of(Scope.parse(t + "/billing"), Scope.parse(t + "/search/t1/x"))) {
      assertRefused(
          ErrorCode.TASK_NOT_FOUND,
          () ->
              Await.result(
                  rig.claims.heartbeat(new HeartbeatRequest(claim.lease(), "a1", outside))));
      assertRefused(
          ErrorCode.TASK_NOT_FOUND, () -> Await.result(rig.claims.finish(finish(claim, outside))));
    }

    assertThat(rig.governor.ledger(t))
        .extracting(LedgerEntry::type)
        .containsExactly("agent", "reserve", "claim");
    FinishResult finished =
        Await.result(rig.claims.finish(finish(claim, Scope.parse(t + "/search"))));
    assertThat(finished.actualMicros()).isEqualTo(500);
  }

  @Test
  void aReservationOutsideTheCallersSubtreeIsNotFoundToCommitOrRelease() {
    String t = freshTenant("reservation-scope");
    rig.governor.budget(t, Window.LIFETIME, 100_000);
    Reserved held = rig.governor.reserved(t + "/search/x", 100);
    Scope billing = Scope.parse(t + "/billing");

    assertRefused(
        ErrorCode.RESERVATION_NOT_FOUND,
        () ->
            Await.result(
                rig.governor.engine.commit(
                    new CommitRequest(held.id(), Spend.amount(100), newKey(), billing))));
    assertRefused(
        ErrorCode.RESERVATION_NOT_FOUND,
        () ->
            Await.result(
                rig.governor.engine.release(held.id(), newKey(), billing, ReservationHolder.NONE)));

    assertThat(rig.governor.usage(t + "/search/x", Window.LIFETIME).reservedMicros())
        .isEqualTo(100);
    assertThat(rig.governor.ledger(t)).extracting(LedgerEntry::type).containsExactly("reserve");
  }

  private static FinishRequest finish(Claimed claim, Scope within) {
    return new FinishRequest(
        claim.lease(),
        "a1",
        TaskOutcome.SUCCEEDED,
        Spend.amount(500),
        Optional.of(Duration.ofSeconds(1)),
        newKey(),
        within);
  }
}
