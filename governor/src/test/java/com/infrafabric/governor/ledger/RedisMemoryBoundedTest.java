package com.infrafabric.governor.ledger;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorRig.newKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.CommitRequest;
import com.infrafabric.governor.budget.Reconciler;
import com.infrafabric.governor.budget.ReconciliationReport;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.budget.ReserveRequest;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Spend;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis memory stays flat under a long run of reserve + commit, by design: idempotency records and
 * finished reservations lapse after their retention, the ledger moves to the archive, and nothing
 * else grows with the number of operations. Retention here is a millisecond so that records lapse
 * within the test; the run measures after each round, once the lapsed records are gone (a full
 * {@code SCAN} deletes every expired key it passes) and the ledger is archived, so the figures do
 * not depend on timing. A round leaves megabytes behind before that, so a store that kept any of it
 * would fail the bound. The bound is a ceiling, not a band: Redis may give memory back in later
 * rounds (its tables shrink on their own schedule once keys are gone), which is not growth.
 */
@Timeout(180)
class RedisMemoryBoundedTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final int ROUNDS = 8;
  private static final int PAIRS_PER_ROUND = 2_500;
  private static final int IN_FLIGHT = 32;
  private static final Duration LAPSE = Duration.ofMillis(1);

  /** Stream ids carry Redis's real time; an hour ahead of it, every entry is old enough. */
  private static final Clock AN_HOUR_AHEAD = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  /** What a round may leave behind at most, against the megabytes it writes. */
  private static final long SLACK_BYTES = 512 * 1024;

  @TempDir Path root;

  private GovernorRig rig;
  private LedgerArchive archive;

  @BeforeEach
  void start() {
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), LAPSE, LAPSE);
    archive = new LedgerArchive(rig.vertx, rig.redis, root, AN_HOUR_AHEAD);
  }

  @AfterEach
  void stop() {
    rig.close();
  }

  @Test
  void usedMemoryIsFlatAfterWarmUpAcrossTensOfThousandsOfReserveCommitPairs() {
    String tenant = freshTenant("memory");
    String scope = tenant + "/project/agent";
    rig.budget(tenant, Window.MONTH, 1_000_000_000_000L);
    rig.budget(tenant + "/project", Window.DAY, 1_000_000_000_000L);
    assertThat(archiveAll(tenant)).as("the two budget puts").isEqualTo(2);

    List<Long> settled = new ArrayList<>();
    long largestRound = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long before = usedMemory();
      runPairs(scope, PAIRS_PER_ROUND);
      largestRound = Math.max(largestRound, usedMemory() - before);
      assertThat(archiveAll(tenant)).isEqualTo(2L * PAIRS_PER_ROUND);
      purgeLapsedKeys();
      settled.add(usedMemory());
    }

    long warm = settled.get(1);
    assertThat(largestRound)
        .as("a round writes far more than the slack, so keeping it would fail the bound")
        .isGreaterThan(4 * SLACK_BYTES);
    assertThat(settled.subList(1, ROUNDS))
        .as("used_memory after each round never grows past the warm figure: %s", settled)
        .allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(warm + SLACK_BYTES));
    List<Long> lastHalf = settled.subList(ROUNDS / 2, ROUNDS);
    assertThat(Collections.max(lastHalf) - Collections.min(lastHalf))
        .as("the last rounds settle at one figure: %s", settled)
        .isLessThanOrEqualTo(SLACK_BYTES);
    assertThat(dbSize()).as("the config, usage, expiry set and ledger keys only").isLessThan(16);
    ReconciliationReport report =
        Await.result(
            new Reconciler(
                    rig.redis, new Ledger(rig.redis, archive), rig.clock, new SimpleMeterRegistry())
                .reconcile(tenant));
    assertThat(report.consistent()).as(report.toString()).isTrue();
    assertThat(report.entriesReplayed())
        .as("the two budget puts, then the pairs")
        .isEqualTo(2 + 2L * ROUNDS * PAIRS_PER_ROUND);
  }

  private void runPairs(String scope, int pairs) {
    for (int done = 0; done < pairs; done += IN_FLIGHT) {
      List<Future<?>> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(IN_FLIGHT, pairs - done); i++) {
        batch.add(pair(scope));
      }
      Await.result(Future.all(batch));
    }
  }

  private Future<?> pair(String scope) {
    return rig.engine
        .reserve(new ReserveRequest(Scope.parse(scope), Spend.amount(1_000), null, newKey()))
        .compose(
            outcome ->
                rig.engine.commit(
                    new CommitRequest(((Reserved) outcome).id(), Spend.amount(700), newKey())));
  }

  /** Archives until nothing old is left; returns how many entries moved. */
  private long archiveAll(String tenant) {
    long moved = 0;
    for (int batch = Await.result(archive.archiveOlderThan(tenant, Duration.ofMinutes(1)));
        batch > 0;
        batch = Await.result(archive.archiveOlderThan(tenant, Duration.ofMinutes(1)))) {
      moved += batch;
    }
    return moved;
  }

  /** Walks the whole keyspace once; Redis deletes each expired key the walk passes. */
  private void purgeLapsedKeys() {
    String cursor = "0";
    do {
      Response page =
          Await.result(
              rig.redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
    } while (!cursor.equals("0"));
  }

  private long usedMemory() {
    String info = Await.result(rig.redis.send(Request.cmd(Command.INFO).arg("memory"))).toString();
    return info.lines()
        .filter(line -> line.startsWith("used_memory:"))
        .mapToLong(line -> Long.parseLong(line.substring("used_memory:".length()).strip()))
        .findFirst()
        .orElseThrow();
  }

  private long dbSize() {
    return Await.result(rig.redis.send(Request.cmd(Command.DBSIZE))).toLong();
  }
}
