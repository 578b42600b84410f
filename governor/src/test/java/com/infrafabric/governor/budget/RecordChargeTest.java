package com.infrafabric.governor.budget;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.FinishResult;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: a tenant's requests left records in the shared Redis that nothing counted. Each is
 * now charged against its tenant's write quota ({@link RecordCharge}) what it leaves, and a request
 * that opens a hold what its settlement will leave too, so the quota bounds every record and the
 * settlement passes free: the charge counted is exactly the records written in the worst case.
 */
@Timeout(60)
class RecordChargeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path keys;

  private static ClaimRig claims;
  private static GovernorRig rig;

  @BeforeAll
  static void start() {
    claims = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
    rig = claims.governor;
  }

  @AfterAll
  static void stop() {
    claims.close();
  }

  @Test
  void aReserveIsChargedWhatItAndItsLongestSettlementLeave() {
    String t = freshTenant("reserve");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    long before = records(t);
    long paid = charged(t);

    Reserved reserved = rig.reserved(t + "/p", 100);
    rig.clock.advance(BudgetSettings.DEFAULTS.defaultReservationTtl().plus(Duration.ofSeconds(1)));
    CommitResult late = rig.commit(reserved.id(), 40);

    assertThat(late.late()).as("expired, then committed late").isTrue();
    assertThat(records(t) - before).isEqualTo(RecordCharge.RESERVE.records());
    assertThat(charged(t) - paid).isEqualTo(RecordCharge.RESERVE.records());
  }

  @Test
  void aChargeIsChargedWhatItLeaves() {
    String t = freshTenant("charge");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    long before = records(t);
    long paid = charged(t);

    rig.charge(t + "/p", 30);

    assertThat(records(t) - before).isEqualTo(RecordCharge.CHARGE.records());
    assertThat(charged(t) - paid).isEqualTo(RecordCharge.CHARGE.records());
  }

  @Test
  void aClaimIsChargedWhatItAndItsLapseAndLateFinishLeave() {
    String t = freshTenant("claim");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    claims.register(ClaimRig.contract(t, "a1", Map.of("python", 2), 3_000, 1));
    long before = records(t);
    long paid = charged(t);

    Claimed claimed = claims.claimed(ClaimRig.task("t1", t + "/p", Map.of("python", 1), 10_000));
    rig.clock.advance(Duration.ofMinutes(2));
    FinishResult late = claims.finish(claimed, TaskOutcome.SUCCEEDED, 2_000);

    assertThat(late.late()).as("the lease lapsed, then was finished late").isTrue();
    assertThat(records(t) - before).isEqualTo(RecordCharge.CLAIM.records());
    assertThat(charged(t) - paid).isEqualTo(RecordCharge.CLAIM.records());
  }

  /**
   * Regression: a claim refused for want of a slot now records its subtree as contending (which
   * holds the other subtrees to their share), a record no charge covered. The refusal that adds it
   * pays for it; one that only refreshes it adds nothing and pays nothing.
   */
  @Test
  void aClaimRefusedForWantOfASlotIsChargedTheContentionEntryItAdds() {
    String t = freshTenant("contends");
    rig.budget(t, Window.LIFETIME, 1_000_000);
    claims.register(ClaimRig.contract(t, "a1", Map.of("python", 2), 3_000, 1));
    claims.claimed(ClaimRig.task("t1", t + "/p/x", Map.of("python", 1), 10_000));
    long before = records(t);
    long paid = charged(t);

    assertThat(claims.claim(ClaimRig.task("t2", t + "/q/x", Map.of("python", 1), 10_000)))
        .isInstanceOf(NotClaimed.class);
    // Each refusal also escalates, and pays for its event (RecordCharge.ESCALATION).
    long escalation = RecordCharge.ESCALATION.records();
    assertThat(records(t) - before).isEqualTo(RecordCharge.CONTENTION.records());
    assertThat(charged(t) - paid).isEqualTo(RecordCharge.CONTENTION.records() + escalation);

    assertThat(claims.claim(ClaimRig.task("t3", t + "/q/x", Map.of("python", 1), 10_000)))
        .isInstanceOf(NotClaimed.class);
    assertThat(records(t) - before).isEqualTo(RecordCharge.CONTENTION.records());
    assertThat(charged(t) - paid).isEqualTo(RecordCharge.CONTENTION.records() + 2 * escalation);
  }

  /**
   * The tenant's records that requests leave for hours or days: idempotency records, reservation,
   * task and lease records, grant revocations, ledger entries and the record of contending
   * subtrees.
   */
  private static long records(String tenant) {
    TenantKeyNames keys = TenantKeyNames.of(tenant);
    long records = send(Request.cmd(Command.XLEN).arg(keys.ledger())).toLong();
    records += send(Request.cmd(Command.ZCARD).arg(keys.prefix() + "sc")).toLong();
    for (String kind : List.of("idem:", "r:", "t:", "l:", "revoked:")) {
      records += send(Request.cmd(Command.KEYS).arg(keys.prefix() + kind + "*")).size();
    }
    return records;
  }

  private static long charged(String tenant) {
    return send(Request.cmd(Command.GET)
            .arg(TenantKeyNames.of(tenant).writeQuota(rig.clock.instant())))
        .toLong();
  }

  private static Response send(Request request) {
    return Await.result(rig.redis.send(request));
  }
}
