package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.LeaseSetDiscrepancy;
import com.infrafabric.governor.budget.LeaseSetDiscrepancy.Kind;
import com.infrafabric.governor.budget.ReconciliationReport;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One subtree's tasks hold leases on at most the policy's share of the tenant's agent slots while
 * another subtree contends for them, so the agents the tenant's subtrees share stay reachable from
 * every subtree, and no slot is kept idle that no other subtree wants. The count is a set of the
 * subtree's active leases that every end of a lease leaves, checked here against the leases
 * themselves after each way a lease ends.
 */
@Timeout(120)
class SubtreeShareTest {

  private static final Map<String, Integer> SUMMARIZE = Map.of("summarize", 1);

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-12-07T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /**
   * Regression: the share was not work-conserving. A tenant whose tasks all lie in one subtree (one
   * dispatcher, the common case) could lease only half of its agents' slots and was refused {@code
   * subtree_share} while the other half sat idle, though no other subtree wanted them.
   */
  @Test
  void aSubtreeAloneMayLeaseEverySlot() {
    String t = sharedAgents("alone");

    claimAll(t, "search", 10);

    assertThat(rig.claim(task("eleventh", t + "/search/x", SUMMARIZE, 2_000), sub(t, "search")))
        .isInstanceOfSatisfying(
            NotClaimed.class, r -> assertThat(r.reason()).isEqualTo(Reason.ALL_BUSY));
    assertShareMatchesActiveLeases(t);
  }

  /**
   * Regression: a dispatcher of {@code T/search} that holds every slot must not keep a dispatcher
   * of {@code T/other} from every agent. Once {@code other} is refused for want of a slot, {@code
   * search} is held to its share: each slot it frees goes to {@code other} (its own claims are
   * refused {@code subtree_share}) until both hold their share, and then {@code other} may not pass
   * its own share while {@code search} holds leases.
   */
  @Test
  void aContendingSubtreeGetsTheFreedSlotsUntilEachHoldsItsShare() {
    String t = sharedAgents("hog");
    Scope search = sub(t, "search");
    List<Claimed> hog = claimAll(t, "search", 10);
    assertThat(rig.claim(task("victim0", t + "/other/v", SUMMARIZE, 2_000), sub(t, "other")))
        .isInstanceOfSatisfying(
            NotClaimed.class, r -> assertThat(r.reason()).isEqualTo(Reason.ALL_BUSY));

    for (int i = 0; i < 5; i++) {
      rig.finish(hog.get(i), TaskOutcome.SUCCEEDED, 100, search);
      long held = 9 - i;
      assertThat(rig.claim(task("more" + i, t + "/search/h", SUMMARIZE, 2_000), search))
          .isInstanceOfSatisfying(
              NotClaimed.class,
              refused -> {
                assertThat(refused.reason()).isEqualTo(Reason.SUBTREE_SHARE);
                assertThat(refused.counts())
                    .containsEntry("held", held)
                    .containsEntry("limit", 5L)
                    .containsEntry("slots", 10L)
                    .containsEntry("share_permille", 500L);
                assertThat(refused.message()).contains("10 agent slots allows (5)");
              });
      claimed(task("victim" + (i + 1), t + "/other/v", SUMMARIZE, 2_000), sub(t, "other"));
    }
    assertThat(activeLeases(t).get("other")).hasSize(5);

    rig.finish(hog.get(5), TaskOutcome.SUCCEEDED, 100, search);
    assertThat(rig.claim(task("victim6", t + "/other/v", SUMMARIZE, 2_000), sub(t, "other")))
        .isInstanceOfSatisfying(
            NotClaimed.class,
            r -> {
              assertThat(r.reason()).isEqualTo(Reason.SUBTREE_SHARE);
              assertThat(r.counts()).containsEntry("held", 5L);
            });
    claimed(task("back", t + "/search/h", SUMMARIZE, 2_000), search);
    assertThat(activeLeases(t).get("search")).hasSize(5);
    assertShareMatchesActiveLeases(t);
  }

  /**
   * Regression: the share must stop binding once the other subtree stops contending, a lease TTL
   * after its last refusal for want of a slot (it holds no lease), or the slots it no longer asks
   * for sit idle again.
   */
  @Test
  void aSubtreeThatStopsContendingLetsTheOtherPassItsShareAgain() {
    String t = sharedAgents("gone");
    Scope search = sub(t, "search");
    List<Claimed> hog = claimAll(t, "search", 10);
    assertThat(rig.claim(task("victim", t + "/other/v", SUMMARIZE, 2_000), sub(t, "other")))
        .isInstanceOf(NotClaimed.class);
    rig.finish(hog.get(0), TaskOutcome.SUCCEEDED, 100, search);
    assertThat(rig.claim(task("refused", t + "/search/h", SUMMARIZE, 2_000), search))
        .isInstanceOfSatisfying(
            NotClaimed.class, r -> assertThat(r.reason()).isEqualTo(Reason.SUBTREE_SHARE));

    // Still within the lease TTL (60 s) of other's refusal: search stays held to its share.
    rig.clock.advance(Duration.ofSeconds(50));
    hog.subList(1, 10).forEach(rig::heartbeat);
    assertThat(rig.claim(task("still", t + "/search/h", SUMMARIZE, 2_000), search))
        .isInstanceOf(NotClaimed.class);
    rig.clock.advance(Duration.ofSeconds(11));

    claimed(task("again", t + "/search/h", SUMMARIZE, 2_000), search);
    assertThat(activeLeases(t).get("search")).hasSize(10);
    assertThat(contenders(t)).containsExactly("search");
  }

  /**
   * Regression: every end of a lease (finish, abandonment, expiry found lazily or by the sweeper,
   * its agent disabled) must give its place in the subtree's share back, and a removed agent's
   * slots must leave the tenant's count, else the share drifts and a subtree is refused (or
   * admitted) by leases and slots that are gone.
   */
  @Test
  void everyEndOfALeaseGivesItsPlaceBackAndTheCountNeverDrifts() {
    String t = sharedAgents("ends");
    Scope search = sub(t, "search");
    List<Claimed> held = claimAll(t, "search", 5);
    claimAll(t, "other", 2);
    assertShareMatchesActiveLeases(t);

    rig.finish(held.get(0), TaskOutcome.SUCCEEDED, 100, search);
    rig.finish(held.get(1), TaskOutcome.ABANDONED, 0, search);
    assertShareMatchesActiveLeases(t);
    held.add(claimed(task("again1", t + "/search/x", SUMMARIZE, 2_000), search));
    held.add(claimed(task("again2", t + "/search/x", SUMMARIZE, 2_000), search));
    assertThat(rig.claim(task("over", t + "/search/x", SUMMARIZE, 2_000), search))
        .isInstanceOfSatisfying(
            NotClaimed.class, r -> assertThat(r.reason()).isEqualTo(Reason.SUBTREE_SHARE));

    // Heartbeat the two newest; the rest expire, some found by a claim, the others by the sweeper.
    rig.clock.advance(Duration.ofSeconds(50));
    rig.heartbeat(held.get(5));
    rig.heartbeat(held.get(6));
    rig.clock.advance(Duration.ofSeconds(20));
    Await.result(rig.claims.expireDue(t, 2));
    assertThat(rig.claim(task("after-expiry", t + "/other/y", SUMMARIZE, 2_000), sub(t, "other")))
        .isInstanceOf(Claimed.class);
    Await.result(rig.claims.expireDue(t, 100));
    assertShareMatchesActiveLeases(t);
    assertThat(activeLeases(t)).containsOnlyKeys("search", "other");
    assertThat(activeLeases(t).get("search")).hasSize(2);
    // An expired task claimed again is a new lease of the subtree, the old one counted no more.
    assertThat(
            claimed(task("search-2", t + "/search/x", SUMMARIZE, 2_000), search).lease().number())
        .isEqualTo(2);
    assertShareMatchesActiveLeases(t);
    assertThat(activeLeases(t).get("search")).hasSize(3);

    for (String agent : List.of("s1", "s2")) {
      Await.result(rig.claims.setAgentStatus(t, agent, AgentStatus.DISABLED, GovernorRig.ADMIN));
    }
    assertShareMatchesActiveLeases(t);

    Await.result(rig.registry.remove(t, "s1", GovernorRig.ADMIN));
    Await.result(rig.registry.remove(t, "s2", GovernorRig.ADMIN));
    assertThat(pooledSlots(t)).isZero();
    assertThat(activeLeases(t)).isEmpty();
    assertThat(subtreeSets(t)).isEmpty();
  }

  /**
   * Regression: the share must be of the slots the tenant's agents have now: registering, a new
   * contract with other slots and removal each move the tenant's count, and an agent registered
   * before the count was kept is counted once a claim reads it.
   */
  @Test
  void theShareIsOfTheSlotsOfEveryRegisteredAgent() {
    String t = sharedAgents("pool");
    assertThat(pooledSlots(t)).isEqualTo(10);

    rig.register(versioned(contract(t, "s2", SUMMARIZE, 1_000, 3), 2));
    assertThat(pooledSlots(t)).isEqualTo(8);
    rig.register(contract(t, "s3", Map.of("translate", 1), 1_000, 4));
    assertThat(pooledSlots(t)).isEqualTo(12);
    Await.result(rig.registry.remove(t, "s3", GovernorRig.ADMIN));
    assertThat(pooledSlots(t)).isEqualTo(8);

    // As an agent stored before the count was kept: not counted until a claim reads it.
    String prefix = TenantKeyNames.of(t).prefix();
    redis(Request.cmd(Command.HDEL).arg(prefix + "a:s1").arg("pooled"));
    redis(Request.cmd(Command.SET).arg(prefix + "slots").arg("3"));
    claimAll(t, "search", 4);
    assertThat(pooledSlots(t)).isEqualTo(8);
    claimAll(t, "other", 1);
    assertThat(rig.claim(task("fifth", t + "/search/x", SUMMARIZE, 2_000), sub(t, "search")))
        .isInstanceOfSatisfying(
            NotClaimed.class,
            r -> assertThat(r.counts()).containsEntry("limit", 4L).containsEntry("slots", 8L));
  }

  /**
   * Regression: parallel claims from two subtrees that both contend (each holds a lease) must never
   * give one more than its share, however the claims interleave.
   */
  @Test
  void parallelClaimsFromTwoContendingSubtreesNeverTakeMoreThanTheShare()
      throws InterruptedException {
    String t = sharedAgents("race");
    claimAll(t, "search", 1);
    claimAll(t, "other", 1);

    List<ClaimOutcome> outcomes =
        Concurrently.run(
            24,
            Duration.ofSeconds(60),
            i -> {
              String subtree = i % 2 == 0 ? "search" : "other";
              TaskSpec task = task("r" + i, t + "/" + subtree + "/p", SUMMARIZE, 2_000);
              return () -> rig.claim(task, sub(t, subtree));
            });

    for (ClaimOutcome outcome : outcomes) {
      if (outcome instanceof NotClaimed refused) {
        assertThat(refused.reason()).isIn(Reason.SUBTREE_SHARE, Reason.ALL_BUSY);
      }
    }
    assertThat(activeLeases(t).get("search")).hasSize(5);
    assertThat(activeLeases(t).get("other")).hasSize(5);
    assertShareMatchesActiveLeases(t);
  }

  /** A tenant whose subtrees are one team's may lift the bound: a share of 1000 bounds nothing. */
  @Test
  void aShareOfAThousandLetsOneSubtreeTakeEverySlot() {
    String t = sharedAgents("whole");
    rig.policy(t, TenantPolicy.builder().subtreeSharePermille(1000).build());

    claimAll(t, "search", 10);
    assertThat(rig.claim(task("eleventh", t + "/search/x", SUMMARIZE, 2_000), sub(t, "search")))
        .isInstanceOfSatisfying(
            NotClaimed.class, r -> assertThat(r.reason()).isEqualTo(Reason.ALL_BUSY));
  }

  /**
   * Regression: reconciliation checked the counters against the ledger but not the subtree lease
   * sets the share counts, so a set that drifted from the active leases (lacking a lease, or
   * keeping one that is not active in its subtree) admitted or refused claims unnoticed. It now
   * reports each such lease, and the run as inconsistent.
   */
  @Test
  void reconciliationReportsALeaseSetThatDriftedFromTheActiveLeases() {
    String t = sharedAgents("drift");
    List<Claimed> search = claimAll(t, "search", 2);
    claimAll(t, "other", 1);
    ReconciliationReport clean = rig.governor.reconcile(t);
    assertThat(clean.consistent()).isTrue();
    assertThat(clean.leasesChecked()).isEqualTo(3);

    String prefix = TenantKeyNames.of(t).prefix();
    String dropped = member(search.get(0));
    redis(Request.cmd(Command.SREM).arg(prefix + "sl:search").arg(dropped));
    redis(Request.cmd(Command.SADD).arg(prefix + "sl:gone").arg("ghost#1"));
    redis(Request.cmd(Command.SADD).arg(prefix + "sl:other").arg(member(search.get(1))));

    ReconciliationReport drifted = rig.governor.reconcile(t);
    assertThat(drifted.consistent()).isFalse();
    assertThat(drifted.discrepancies()).isEmpty();
    assertThat(drifted.leaseSetDiscrepancies())
        .containsExactly(
            new LeaseSetDiscrepancy("gone", "ghost#1", Kind.STRAY),
            new LeaseSetDiscrepancy("other", member(search.get(1)), Kind.STRAY),
            new LeaseSetDiscrepancy("search", dropped, Kind.MISSING));
  }

  private static String member(Claimed claimed) {
    return claimed.lease().taskId() + "#" + claimed.lease().number();
  }

  /** Agents s1 and s2, 5 slots each, in a fresh tenant with a budget. */
  private static String sharedAgents(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, 10_000_000);
    rig.register(contract(t, "s1", SUMMARIZE, 1_000, 5));
    rig.register(contract(t, "s2", SUMMARIZE, 1_000, 5));
    return t;
  }

  private static List<Claimed> claimAll(String t, String subtree, int count) {
    List<Claimed> held = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = subtree + "-" + i;
      held.add(claimed(task(id, t + "/" + subtree + "/x", SUMMARIZE, 2_000), sub(t, subtree)));
    }
    return held;
  }

  private static Claimed claimed(TaskSpec task, Scope within) {
    ClaimOutcome outcome = rig.claim(task, within);
    assertThat(outcome).isInstanceOf(Claimed.class);
    return (Claimed) outcome;
  }

  private static Scope sub(String t, String subtree) {
    return Scope.parse(t + "/" + subtree);
  }

  private static AgentContract versioned(AgentContract c, int version) {
    return new AgentContract(
        c.agentId(),
        c.tenant(),
        c.capabilities(),
        c.model(),
        c.costPerTaskMicros(),
        c.slots(),
        c.slo(),
        version);
  }

  /**
   * The invariant the share rests on: each subtree's set ({@code sl:<subtree>}) holds exactly the
   * active leases of tasks in that subtree, read from the leases themselves.
   */
  private static void assertShareMatchesActiveLeases(String t) {
    assertThat(subtreeSets(t)).isEqualTo(activeLeases(t));
  }

  /** The active leases ({@code lexp}, state active) of each subtree. */
  private static Map<String, Set<String>> activeLeases(String t) {
    String prefix = TenantKeyNames.of(t).prefix();
    Map<String, Set<String>> bySubtree = new HashMap<>();
    for (Response member : redis(Request.cmd(Command.ZRANGE).arg(prefix + "lexp").arg(0).arg(-1))) {
      Response lease =
          redis(Request.cmd(Command.HMGET).arg(prefix + "l:" + member).arg("scope").arg("state"));
      if ("active".equals(lease.get(1).toString())) {
        String subtree = lease.get(0).toString().split("/")[1];
        bySubtree.computeIfAbsent(subtree, s -> new HashSet<>()).add(member.toString());
      }
    }
    return bySubtree;
  }

  /** Every subtree's set of leases, as the claim script counts them. */
  private static Map<String, Set<String>> subtreeSets(String t) {
    String prefix = TenantKeyNames.of(t).prefix();
    Map<String, Set<String>> sets = new HashMap<>();
    for (Response key : redis(Request.cmd(Command.KEYS).arg(prefix + "sl:*"))) {
      Set<String> members = new HashSet<>();
      redis(Request.cmd(Command.SMEMBERS).arg(key.toString()))
          .forEach(m -> members.add(m.toString()));
      sets.put(key.toString().substring(prefix.length() + 3), members);
    }
    return sets;
  }

  /** The subtrees the contention record ({@code sc}) holds. */
  private static List<String> contenders(String t) {
    List<String> subtrees = new ArrayList<>();
    redis(Request.cmd(Command.ZRANGE).arg(TenantKeyNames.of(t).prefix() + "sc").arg(0).arg(-1))
        .forEach(s -> subtrees.add(s.toString()));
    return subtrees;
  }

  private static long pooledSlots(String t) {
    Response slots = redis(Request.cmd(Command.GET).arg(TenantKeyNames.of(t).prefix() + "slots"));
    return slots == null ? 0 : slots.toLong();
  }

  private static Response redis(Request request) {
    return Await.result(rig.governor.redis.send(request));
  }
}
