package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.registry.BreakerState;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant-wide breaker, moved by outcomes reported on the tenant's own scope (the tenant's own
 * report, which only a tenant-wide token can make); what tasks in one subtree do to it is {@link
 * SubtreeBreakerTest}'s.
 */
@Timeout(60)
class BreakerTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

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

  /** A tenant whose breakers open after 2 failures and stay open 30 s, with one agent a1. */
  private static String tenant(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, 10_000_000);
    rig.policy(
        t,
        TenantPolicy.builder().breakerFailures(2).breakerCooldown(Duration.ofSeconds(30)).build());
    rig.register(contract(t, "a1", Map.of("go", 1), 1_000, 4));
    return t;
  }

  private static ClaimOutcome claim(String t) {
    return rig.claim(task("task-" + ++tasks, t, Map.of("go", 1), 10_000));
  }

  private static void runAndFinish(String t, TaskOutcome outcome, long actual) {
    rig.finish((Claimed) claim(t), outcome, actual);
  }

  /** Opens a1's breaker the usual way: two failed tasks in a row, the tenant's threshold. */
  private static void openBreaker(String t) {
    runAndFinish(t, TaskOutcome.FAILED, 100);
    runAndFinish(t, TaskOutcome.FAILED, 100);
  }

  @Test
  void consecutiveFailuresOpenTheBreakerAndAnOpenBreakerTakesNoTasks() {
    String t = tenant("open");
    runAndFinish(t, TaskOutcome.FAILED, 100);
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);

    runAndFinish(t, TaskOutcome.ABANDONED, 100);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.OPEN);
    NotClaimed refused = (NotClaimed) claim(t);
    assertThat(refused.reason()).isEqualTo(Reason.BREAKERS_OPEN);
    assertThat(refused.counts()).containsEntry("breakers_open", 1L);
    assertThat(breakerEvents(t)).containsExactly("breaker.open failures closed");
    assertThat(transitions("open")).isPositive();
  }

  @Test
  void aSuccessInBetweenStartsTheCountOver() {
    String t = tenant("reset-count");
    runAndFinish(t, TaskOutcome.FAILED, 100);
    runAndFinish(t, TaskOutcome.SUCCEEDED, 100);
    runAndFinish(t, TaskOutcome.FAILED, 100);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
    assertThat(rig.agent(t, "a1").consecutiveFailures()).isEqualTo(1);
  }

  @Test
  void afterTheCooldownOneProbeGoesThroughAndItsSuccessClosesTheBreaker() {
    String t = tenant("probe-ok");
    openBreaker(t);

    rig.clock.advance(Duration.ofSeconds(29));
    assertThat(claim(t)).isInstanceOf(NotClaimed.class);
    rig.clock.advance(Duration.ofSeconds(1));
    Claimed probe = (Claimed) claim(t);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(((NotClaimed) claim(t)).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
    assertThat(claim(t)).isInstanceOf(Claimed.class);
    assertThat(breakerEvents(t))
        .containsExactly(
            "breaker.open failures closed",
            "breaker.half_open cooldown_over open",
            "breaker.closed probe_succeeded half_open");
  }

  @Test
  void aFailedProbeOpensTheBreakerForAnotherCooldown() {
    String t = tenant("probe-fail");
    openBreaker(t);
    rig.clock.advance(Duration.ofSeconds(30));

    runAndFinish(t, TaskOutcome.FAILED, 100);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.OPEN);
    rig.clock.advance(Duration.ofSeconds(29));
    assertThat(claim(t)).isInstanceOf(NotClaimed.class);
    assertThat(breakerEvents(t)).last().isEqualTo("breaker.open probe_failed half_open");
  }

  @Test
  void theSweeperMovesDueBreakersToHalfOpenWithoutAnyClaim() {
    String t = tenant("sweep");
    openBreaker(t);
    rig.clock.advance(Duration.ofSeconds(31));

    Await.result(rig.claims.expireDue(t, 10));

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.HALF_OPEN);
  }

  /**
   * Spend over the reservation opens the breaker at once, and lowers the agent's reputation as a
   * failure would: the review's probe saw a success 10^6 times over its hold raise it.
   */
  @Test
  void spendOverTheReservationOpensTheBreakerAtOnceAndCountsAsAFailure() {
    String t = tenant("budget");
    int before = rig.agent(t, "a1").reputationPpm();

    runAndFinish(t, TaskOutcome.SUCCEEDED, 1_001);

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.OPEN);
    assertThat(breakerEvents(t)).containsExactly("breaker.open budget_exhausted closed");
    assertThat(rig.agent(t, "a1").reputationPpm()).isLessThan(before);
  }

  @Test
  void anAdminResetClosesTheBreakerAndIsAnEvent() {
    String t = tenant("admin");
    openBreaker(t);

    assertThat(Await.result(rig.registry.resetBreaker(t, "a1", GovernorRig.ADMIN)).breaker())
        .isEqualTo(BreakerState.CLOSED);

    assertThat(rig.agent(t, "a1").consecutiveFailures()).isZero();
    assertThat(claim(t)).isInstanceOf(Claimed.class);
    assertThat(breakerEvents(t)).last().isEqualTo("breaker.closed admin_reset open");
    assertThat(transitions("closed")).isPositive();
  }

  /**
   * A half-open breaker's probe is recorded on the agent (its {@code probe} field), not only in the
   * claim that started it: anything that reindexes the agent while the probe runs reads it from
   * there, and must keep the agent out of the index of available agents.
   */
  @Test
  void anAgentReindexedWhileItsProbeRunsTakesNoSecondTask() {
    String t = tenant("probe-kept");
    openBreaker(t);
    rig.clock.advance(Duration.ofSeconds(30));
    Claimed probe = (Claimed) claim(t);
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.HALF_OPEN);

    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.ACTIVE, GovernorRig.ADMIN));

    assertThat(claim(t))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.BREAKERS_OPEN));
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
  }

  /**
   * Regression: a probe whose agent was disabled while it ran ended without an outcome and left the
   * probe marked running: once enabled again, the agent was refused every claim for good
   * (half-open, no lease, nothing to close or open its breaker but an admin's reset). The next
   * claim now probes again.
   */
  @Test
  void aProbeEndedByDisablingItsAgentLetsTheNextClaimProbe() {
    String t = tenant("probe-disabled");
    openBreaker(t);
    rig.clock.advance(Duration.ofSeconds(30));
    assertThat(claim(t)).isInstanceOf(Claimed.class);

    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DISABLED, GovernorRig.ADMIN));
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.ACTIVE, GovernorRig.ADMIN));

    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.HALF_OPEN);
    Claimed probe = (Claimed) claim(t);
    assertThat(((NotClaimed) claim(t)).reason()).isEqualTo(Reason.BREAKERS_OPEN);
    rig.finish(probe, TaskOutcome.SUCCEEDED, 100);
    assertThat(rig.agent(t, "a1").breaker()).isEqualTo(BreakerState.CLOSED);
  }

  private static double transitions(String to) {
    return rig.meters.get("governor.breaker.transitions").tag("to", to).counter().count();
  }

  /** "type reason from" of each breaker event of the tenant. */
  private static List<String> breakerEvents(String tenant) {
    return rig.events(tenant).stream()
        .filter(e -> e.get("type").startsWith("breaker."))
        .map(e -> e.get("type") + ' ' + e.get("reason") + ' ' + e.get("from"))
        .toList();
  }
}
