package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.registry.BreakerState;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.governor.registry.SubtreeStanding;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: one subtree's dispatcher could hurt an agent its whole tenant shares. Every outcome
 * moved the tenant-wide record, so a dispatcher confined to {@code T/teamB} that failed a shared
 * agent (or let its leases expire) opened the agent's breaker for {@code T/teamA} too, and its
 * failures ranked the agent down for everybody. Outcomes now land in the agent's standing in the
 * task's subtree: its breaker there keeps it from that subtree's claims only, which rank it by its
 * reputation there; the tenant-wide breaker opens once two subtrees' breakers have.
 */
@Timeout(60)
class SubtreeBreakerTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  /** The most subtrees an agent has a standing in ({@code MAX_SUBTREES}, agent_subtrees.lua). */
  private static final int MAX_SUBTREES = 16;

  private static ClaimRig rig;
  private static int tasks;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /**
   * A tenant whose breakers open after 2 failures and stay open 30 s, with one agent a1 shared by
   * its subtrees.
   */
  private static String tenant(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, 100_000_000);
    rig.policy(
        t,
        TenantPolicy.builder().breakerFailures(2).breakerCooldown(Duration.ofSeconds(30)).build());
    rig.register(contract(t, "a1", Map.of("go", 1), 1_000, 8));
    return t;
  }

  /** A claim by the dispatcher of {@code T/subtree}, for a task of its own. */
  private static ClaimOutcome claim(String t, String subtree) {
    return rig.claim(
        task("task-" + ++tasks, t + "/" + subtree + "/p", Map.of("go", 1), 10_000),
        Scope.parse(t + "/" + subtree));
  }

  private static Claimed claimed(String t, String subtree) {
    return (Claimed) claim(t, subtree);
  }

  private static FinishResult runAndFinish(String t, String subtree, TaskOutcome outcome) {
    return rig.finish(claimed(t, subtree), outcome, 100, Scope.parse(t + "/" + subtree));
  }

  /** Opens a1's breaker in the subtree: two failed tasks there in a row, the tenant's threshold. */
  private static void openBreaker(String t, String subtree) {
    runAndFinish(t, subtree, TaskOutcome.FAILED);
    runAndFinish(t, subtree, TaskOutcome.FAILED);
  }

  private static SubtreeStanding standing(String t, String subtree) {
    return rig.agent(t, "a1").subtrees().stream()
        .filter(s -> s.subtree().equals(subtree))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void oneSubtreesFailuresOpenTheAgentsBreakerForThatSubtreeOnly() {
    String t = tenant("one");
    runAndFinish(t, "teamB", TaskOutcome.FAILED);

    FinishResult second = runAndFinish(t, "teamB", TaskOutcome.FAILED);

    assertThat(second.breaker()).hasValue(BreakerState.OPEN);
    assertThat(second.reputationPpm()).hasValue(405_000);
    assertThat(((NotClaimed) claim(t, "teamB")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    assertThat(claimed(t, "teamA").agentId()).isEqualTo("a1");
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
    assertThat(rig.agent(t, "a1").subtrees())
        .containsExactly(new SubtreeStanding("teamB", 405_000, 2, BreakerState.OPEN));
    assertThat(breakerEvents(t)).containsExactly("breaker.open failures closed teamB");
  }

  @Test
  void aSecondSubtreesBreakerOpensTheTenantWideOne() {
    String t = tenant("two");
    openBreaker(t, "teamB");

    openBreaker(t, "teamA");

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.OPEN);
    assertThat(((NotClaimed) claim(t, "teamC")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    assertThat(breakerEvents(t))
        .containsExactly(
            "breaker.open failures closed teamB",
            "breaker.open failures closed teamA",
            "breaker.open subtrees closed -");
  }

  /**
   * a2 costs a little more than a1, so a1 ranks first at equal reputation; teamA saw a1 succeed.
   * Two failures in teamB would have dropped a1's one reputation below a2's score, and teamA would
   * have been given a2.
   */
  @Test
  void oneSubtreesFailuresDoNotRankTheAgentDownForAnother() {
    String t = tenant("rank");
    rig.register(contract(t, "a2", Map.of("go", 1), 1_050, 8));
    assertThat(claimed(t, "teamA").agentId()).isEqualTo("a1");
    runAndFinish(t, "teamA", TaskOutcome.SUCCEEDED);

    openBreaker(t, "teamB");

    assertThat(standing(t, "teamA").reputationPpm()).isEqualTo(550_000);
    assertThat(rig.agent(t, "a1").reputationPpm()).isLessThan(500_000);
    assertThat(claimed(t, "teamA").agentId()).isEqualTo("a1");
    assertThat(claimed(t, "teamB").agentId()).isEqualTo("a2");
  }

  @Test
  void anExpiredLeaseCountsAsAFailureInItsSubtree() {
    String t = tenant("expiry");
    for (int i = 0; i < 2; i++) {
      claimed(t, "teamB");
      rig.clock.advance(Duration.ofSeconds(61));
      Await.result(rig.claims.expireDue(t, 10));
    }

    assertThat(standing(t, "teamB").breaker()).isEqualTo(BreakerState.OPEN);
    assertThat(((NotClaimed) claim(t, "teamB")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    assertThat(claimed(t, "teamA").agentId()).isEqualTo("a1");
  }

  @Test
  void afterTheCooldownOneProbeOfTheSubtreeGoesThroughAndItsSuccessClosesItsBreaker() {
    String t = tenant("probe");
    openBreaker(t, "teamB");
    rig.clock.advance(Duration.ofSeconds(30));
    assertThat(standing(t, "teamB").breaker()).isEqualTo(BreakerState.HALF_OPEN);

    Claimed probe = claimed(t, "teamB");

    assertThat(((NotClaimed) claim(t, "teamB")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);
    assertThat(standing(t, "teamB"))
        .extracting(SubtreeStanding::breaker, SubtreeStanding::consecutiveFailures)
        .containsExactly(BreakerState.CLOSED, 0);
    assertThat(claim(t, "teamB")).isInstanceOf(Claimed.class);
    assertThat(breakerEvents(t))
        .containsExactly(
            "breaker.open failures closed teamB",
            "breaker.half_open cooldown_over open teamB",
            "breaker.closed probe_succeeded half_open teamB");
  }

  /** The subtree's twin of BreakerTest's: a probe lost to a disabled agent must not wedge it. */
  @Test
  void aSubtreeProbeEndedByDisablingItsAgentLetsTheNextClaimThereProbe() {
    String t = tenant("probe-disabled");
    openBreaker(t, "teamB");
    rig.clock.advance(Duration.ofSeconds(30));
    claimed(t, "teamB");

    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DISABLED, GovernorRig.ADMIN));
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.ACTIVE, GovernorRig.ADMIN));

    Claimed probe = claimed(t, "teamB");
    assertThat(((NotClaimed) claim(t, "teamB")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);
    assertThat(standing(t, "teamB").breaker()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void anAdminResetClosesTheBreakerInEverySubtree() {
    String t = tenant("reset");
    openBreaker(t, "teamB");
    double closed = closedTransitions();

    assertThat(Await.result(rig.registry.resetBreaker(t, "a1", GovernorRig.ADMIN)).subtrees())
        .containsExactly(new SubtreeStanding("teamB", 405_000, 0, BreakerState.CLOSED));

    assertThat(claimed(t, "teamB").agentId()).isEqualTo("a1");
    assertThat(breakerEvents(t)).last().isEqualTo("breaker.closed admin_reset open teamB");
    assertThat(closedTransitions()).isEqualTo(closed + 1);
  }

  /**
   * However many subtrees report, an agent keeps a standing in at most 16: a new one evicts the one
   * that reported least recently, but not an open breaker while a closed one can go instead.
   */
  @Test
  void anAgentKeepsABoundedNumberOfStandingsAndTheirOpenBreakers() {
    String t = tenant("bounded");
    openBreaker(t, "s00");

    List<String> reporting =
        IntStream.rangeClosed(1, MAX_SUBTREES + 3)
            .mapToObj(i -> String.format("s%02d", i))
            .toList();
    for (String subtree : reporting) {
      rig.clock.advance(Duration.ofMillis(1));
      runAndFinish(t, subtree, TaskOutcome.SUCCEEDED);
    }

    List<String> kept =
        rig.agent(t, "a1").subtrees().stream().map(SubtreeStanding::subtree).toList();
    assertThat(kept)
        .hasSize(MAX_SUBTREES)
        .contains("s00")
        .doesNotContain("s01", "s02", "s03", "s04");
    assertThat(((NotClaimed) claim(t, "s00")).reason()).isEqualTo(Reason.BREAKERS_OPEN);
  }

  @Test
  void aRemovedAgentTakesItsStandingsAlong() {
    String t = tenant("removed");
    openBreaker(t, "teamB");

    Await.result(rig.registry.remove(t, "a1", GovernorRig.ADMIN));
    rig.register(
        new AgentContract(
            "a1",
            t,
            CapabilitySet.of(Map.of("go", 1)),
            "gpt-test",
            1_000,
            8,
            Duration.ofSeconds(10),
            2));

    assertThat(rig.agent(t, "a1").subtrees()).isEmpty();
    assertThat(claimed(t, "teamB").agentId()).isEqualTo("a1");
  }

  private static double closedTransitions() {
    return rig.meters.get("governor.breaker.transitions").tag("to", "closed").counter().count();
  }

  /** "type reason from subtree" of each breaker event of the tenant ('-': tenant-wide). */
  private static List<String> breakerEvents(String tenant) {
    return rig.events(tenant).stream()
        .filter(e -> e.get("type").startsWith("breaker."))
        .map(
            e ->
                e.get("type")
                    + ' '
                    + e.get("reason")
                    + ' '
                    + e.get("from")
                    + ' '
                    + e.getOrDefault("subtree", "-"))
        .toList();
  }
}
