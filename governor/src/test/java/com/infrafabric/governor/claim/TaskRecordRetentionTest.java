package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.HeartbeatOutcome.Extended;
import com.infrafabric.governor.tenant.Spend;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's record has an end: it is kept for {@code claim.taskRetention} after its latest lease
 * ends, and lives at least as long as an active lease. Before, a claim + finish of nothing left a
 * task record with no TTL, so every new task id left a key forever, free of charge.
 */
@Timeout(60)
class TaskRecordRetentionTest {

  private static final Duration RETENTION = Duration.ofHours(72);
  private static final Duration LEASE_TTL = Duration.ofSeconds(60);

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;
  private static ClaimEngine claims;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
    claims =
        new ClaimEngine(
            rig.scripts,
            rig.governor.pricing,
            rig.governor.redis,
            new ClaimSettings(8, 8, RETENTION),
            rig.meters);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aCompletedTaskOfNothingIsKeptForTheRetentionAfterItsLeaseThenExpires() {
    String t = tenantWithOneAgent("completed");
    Claimed claim = claim(t, "t1");

    finish(claim, TaskOutcome.SUCCEEDED, 0);

    assertThat(taskTtl(t, "t1")).isBetween(RETENTION.minusSeconds(5), RETENTION.plus(LEASE_TTL));
  }

  @Test
  void aReopenedTaskIsKeptForTheRetentionToo() {
    String t = tenantWithOneAgent("reopened");
    Claimed claim = claim(t, "t1");

    finish(claim, TaskOutcome.FAILED, 1);

    assertThat(taskTtl(t, "t1")).isBetween(RETENTION.minusSeconds(5), RETENTION.plus(LEASE_TTL));
  }

  @Test
  void anOwnedTaskLivesAtLeastAsLongAsItsLeaseAndAHeartbeatExtendsBoth() {
    String t = tenantWithOneAgent("owned");
    Claimed claim = claim(t, "t1");
    assertThat(taskTtl(t, "t1")).isGreaterThan(RETENTION.plus(LEASE_TTL).minusSeconds(5));
    // Redis's clock is not the test's: let the record's TTL run down as if days had passed.
    send(Request.cmd(Command.PEXPIRE).arg(taskKey(t, "t1")).arg(1_000_000));

    rig.clock.advance(Duration.ofSeconds(50));
    HeartbeatOutcome beat =
        Await.result(claims.heartbeat(new HeartbeatRequest(claim.lease(), claim.agentId())));

    assertThat(beat).isInstanceOf(Extended.class);
    assertThat(taskTtl(t, "t1")).isGreaterThan(RETENTION.plus(LEASE_TTL).minusSeconds(5));
  }

  @Test
  void aClaimAndFinishOfNothingLeavesNoKeyWithoutAnEnd() {
    String t = tenantWithOneAgent("no-end");
    finish(claim(t, "warm-up"), TaskOutcome.SUCCEEDED, 0);
    Set<String> before = keysWithoutTtl(t);

    finish(claim(t, "t2"), TaskOutcome.SUCCEEDED, 0);

    assertThat(keysWithoutTtl(t)).isEqualTo(before);
  }

  private static String tenantWithOneAgent(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 4_000, 1));
    return t;
  }

  private static Claimed claim(String t, String task) {
    ClaimOutcome outcome =
        Await.result(
            claims.claim(
                new ClaimRequest(
                    task(task, t + "/p", Map.of("go", 1), 10_000), GovernorRig.newKey())));
    assertThat(outcome).isInstanceOf(Claimed.class);
    return (Claimed) outcome;
  }

  private static void finish(Claimed claim, TaskOutcome outcome, long actualMicros) {
    Await.result(
        claims.finish(
            new FinishRequest(
                claim.lease(),
                claim.agentId(),
                outcome,
                Spend.amount(actualMicros),
                Optional.of(Duration.ofSeconds(1)),
                GovernorRig.newKey())));
  }

  private static String taskKey(String tenant, String task) {
    return TenantKeyNames.of(tenant).prefix() + "t:" + task;
  }

  private static Duration taskTtl(String tenant, String task) {
    return Duration.ofMillis(send(Request.cmd(Command.PTTL).arg(taskKey(tenant, task))).toLong());
  }

  /** The tenant's keys that never expire (PTTL -1). */
  private static Set<String> keysWithoutTtl(String tenant) {
    Set<String> found = new TreeSet<>();
    for (Response key :
        send(Request.cmd(Command.KEYS).arg(TenantKeyNames.of(tenant).prefix() + "*"))) {
      if (send(Request.cmd(Command.PTTL).arg(key.toString())).toLong() == -1) {
        found.add(key.toString());
      }
    }
    return found;
  }

  private static Response send(Request request) {
    return Await.result(rig.governor.redis.send(request));
  }
}
