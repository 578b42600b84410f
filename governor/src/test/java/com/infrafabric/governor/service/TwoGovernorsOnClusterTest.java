package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.ReservationFilter;
import com.infrafabric.governor.budget.Reservations;
import com.infrafabric.governor.budget.ReserveOutcome.Reserved;
import com.infrafabric.governor.claim.ClaimOutcome;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.keys.IssuedKey;
import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.keys.VirtualKeys;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.ratelimit.SharedBuckets;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisClusterExtension;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two governor nodes (each its own Vert.x and Redis clients) on one Redis Cluster give the answers
 * one node gives: caps hold under their concurrent reservations, no task is claimed twice, and
 * counters equal the ledger. Along the way every governor script runs on the cluster, which proves
 * that none touches keys of two hash slots.
 */
@Timeout(240)
class TwoGovernorsOnClusterTest {

  @RegisterExtension static final RedisClusterExtension CLUSTER = RedisClusterExtension.create();

  private static final int TENANTS = 6;
  private static final long CAP = 10_000;
  private static final long RESERVATION = 1_000;

  @TempDir Path keysA;
  @TempDir Path keysB;
  private ClaimRig a;
  private ClaimRig b;

  @BeforeEach
  void start() {
    MutableClock clock = MutableClock.at("2026-12-05T10:00:00Z");
    a = new ClaimRig(CLUSTER.endpoint(), clock, keysA);
    b = new ClaimRig(CLUSTER.endpoint(), clock, keysB);
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  @Test
  void capsHoldAndCountersEqualTheLedgerAcrossTwoNodes() throws InterruptedException {
    List<String> tenants =
        IntStream.range(0, TENANTS).mapToObj(i -> GovernorRig.freshTenant("caps" + i)).toList();
    tenants.forEach(t -> a.governor.budget(t, Window.LIFETIME, CAP));
    List<GovernorRig> nodes = List.of(a.governor, b.governor);

    List<List<Reserved>> perThread =
        Concurrently.run(
            16,
            Duration.ofSeconds(120),
            thread ->
                () -> {
                  List<Reserved> mine = new ArrayList<>();
                  for (int n = 0; n < 2 * TENANTS; n++) {
                    String tenant = tenants.get((thread + n) % TENANTS);
                    if (nodes.get(n % 2).reserve(tenant + "/p", RESERVATION)
                        instanceof Reserved reserved) {
                      mine.add(reserved);
                    }
                  }
                  return mine;
                });

    List<Reserved> granted = perThread.stream().flatMap(List::stream).toList();
    assertThat(granted).hasSize((int) (TENANTS * CAP / RESERVATION));
    for (int i = 0; i < granted.size(); i++) {
      GovernorRig node = nodes.get(i % 2);
      Reserved reserved = granted.get(i);
      if (i % 3 == 0) {
        node.release(reserved.id());
      } else {
        node.commit(reserved.id(), RESERVATION / 2);
      }
    }
    for (String tenant : tenants) {
      b.governor.charge(tenant + "/p", 10);
      assertThat(a.governor.usage(tenant, Window.LIFETIME).reservedMicros()).isZero();
      assertThat(b.governor.usage(tenant, Window.LIFETIME).spentMicros())
          .isEqualTo(a.governor.usage(tenant, Window.LIFETIME).spentMicros());
      assertThat(a.governor.reconcile(tenant).consistent()).isTrue();
      assertThat(b.governor.reconcile(tenant).consistent()).isTrue();
      a.governor.clock.advance(Duration.ofMinutes(10));
    }
    Await.result(a.governor.sweeper.sweepOnce());
  }

  @Test
  void noTaskIsClaimedTwiceAcrossTwoNodes() throws InterruptedException {
    String t = GovernorRig.freshTenant("claims");
    a.governor.budget(t, Window.LIFETIME, 1_000_000_000L);
    for (int i = 0; i < 4; i++) {
      a.register(ClaimRig.contract(t, "agent-" + i, Map.of("c", 1), 1_000, 4));
    }
    b.policy(t, TenantPolicy.builder().maxCostPerTaskMicros(5_000).build());
    int tasks = 40;
    List<ClaimRig> nodes = List.of(a, b);

    List<List<ClaimOutcome>> outcomes =
        Concurrently.run(
            8,
            Duration.ofSeconds(120),
            thread ->
                () -> {
                  List<ClaimOutcome> mine = new ArrayList<>();
                  for (int i = 0; i < tasks; i++) {
                    mine.add(
                        nodes
                            .get(thread % 2)
                            .claim(
                                ClaimRig.task(
                                    "task-" + ((i + thread) % tasks),
                                    t + "/p",
                                    Map.of("c", 1),
                                    5_000)));
                  }
                  return mine;
                });

    List<Claimed> claimed =
        outcomes.stream()
            .flatMap(List::stream)
            .filter(Claimed.class::isInstance)
            .map(Claimed.class::cast)
            .toList();
    Set<String> taskIds = new HashSet<>();
    claimed.forEach(c -> assertThat(taskIds.add(c.taskId())).as("claimed once: " + c).isTrue());
    assertThat(claimed).isNotEmpty();
    for (int i = 0; i < claimed.size(); i++) {
      Claimed claim = claimed.get(i);
      b.heartbeat(claim);
      a.finish(claim, i % 2 == 0 ? TaskOutcome.SUCCEEDED : TaskOutcome.FAILED, 500);
    }
    Await.result(a.claims.setAgentStatus(t, "agent-0", AgentStatus.DRAINING, GovernorRig.ADMIN));
    Await.result(b.registry.resetBreaker(t, "agent-1", GovernorRig.ADMIN));
    a.governor.clock.advance(Duration.ofHours(1));
    Await.result(a.claims.expireDue(t, 10));
    Await.result(b.registry.remove(t, "agent-0", GovernorRig.ADMIN));
    assertThat(Await.result(a.registry.list(t, null, 10)).agents())
        .extracting(agent -> agent.id())
        .doesNotContain("agent-0")
        .contains("agent-1");
    assertThat(a.governor.reconcile(t).consistent()).isTrue();
  }

  @Test
  void everyGovernorScriptRunsOnTheCluster() throws InterruptedException {
    capsHoldAndCountersEqualTheLedgerAcrossTwoNodes();
    noTaskIsClaimedTwiceAcrossTwoNodes();
    Await.result(a.governor.pricing.replace(List.of(GovernorRig.GPT_TEST), -1));
    assertThat(Await.result(b.governor.pricing.refresh()).version())
        .isEqualTo(a.governor.pricing.get().version());

    manageKeysAndListReservationsOnBothNodes();
    String zoned = GovernorRig.freshTenant("zoned");
    Await.result(a.governor.budgets.setZone(zoned, "Europe/Paris", GovernorRig.ADMIN));
    Await.result(b.governor.budgets.setZone(zoned, "Europe/Paris", GovernorRig.ADMIN));
    b.governor.budget(zoned, Window.DAY, CAP);
    assertThat(Await.result(a.governor.budgets.delete(Scope.parse(zoned), GovernorRig.ADMIN)))
        .isTrue();

    Set<String> ran = new HashSet<>();
    for (ClaimRig node : List.of(a, b)) {
      for (Timer timer :
          node.governor.redisMeters.find("redis.commands").tag("outcome", "ok").timers()) {
        ran.add(timer.getId().getTag("command"));
      }
    }
    assertThat(ran).containsAll(GovernorService.scripts().stream().map(LuaScript::name).toList());
  }

  /**
   * Virtual keys made, rotated, expired and revoked on each node; both list a tenant's
   * reservations.
   */
  private void manageKeysAndListReservationsOnBothNodes() {
    String tenant = GovernorRig.freshTenant("keys");
    a.governor.budget(tenant, Window.LIFETIME, CAP);
    for (ClaimRig node : List.of(a, b)) {
      GovernorRig rig = node.governor;
      VirtualKeys keys =
          new VirtualKeys(
              rig.scripts,
              rig.redis,
              SharedBuckets.create(rig.redis, rig.clock),
              10,
              Duration.ZERO);
      IssuedKey issued =
          Await.result(
              keys.create(
                  new KeySpec(Scope.parse(tenant), Set.of("gpt-test"), 10, 1_000, Map.of(), null),
                  GovernorRig.newKey(),
                  GovernorRig.ADMIN));
      IssuedKey rotated =
          Await.result(
              keys.rotate(
                  tenant,
                  issued.key().id(),
                  Scope.parse(tenant),
                  GovernorRig.newKey(),
                  GovernorRig.ADMIN));
      assertThat(Await.result(keys.authenticate(rotated.secret().orElseThrow()))).isPresent();
      Instant later = rig.clock.instant().plus(Duration.ofDays(1));
      assertThat(
              Await.result(
                      keys.expire(
                          tenant,
                          issued.key().id(),
                          Scope.parse(tenant),
                          later,
                          GovernorRig.newKey(),
                          GovernorRig.ADMIN))
                  .expiresAt())
          .isEqualTo(later);
      Await.result(
          keys.revoke(
              tenant,
              issued.key().id(),
              Scope.parse(tenant),
              GovernorRig.newKey(),
              GovernorRig.ADMIN));
      assertThat(Await.result(keys.authenticate(rotated.secret().orElseThrow()))).isEmpty();

      rig.reserve(tenant, RESERVATION);
      assertThat(
              Await.result(
                      new Reservations(rig.redis)
                          .list(Scope.parse(tenant), ReservationFilter.ANY, Optional.empty(), 10))
                  .reservations())
          .isNotEmpty();
    }
  }
}
