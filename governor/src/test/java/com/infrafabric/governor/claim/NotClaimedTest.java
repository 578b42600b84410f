package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.events.EventStream;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.tenant.Refusal;
import com.infrafabric.governor.tenant.Scope;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class NotClaimedTest {

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

  private static String tenantWithBudget(String hint, long cap) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, cap);
    return t;
  }

  @Test
  void anAgentMustHoldThePolicyShareOfTheRequiredCapabilitiesAtTheirLevel() {
    String t = tenantWithBudget("match", 1_000_000);
    rig.register(contract(t, "two-of-three", Map.of("a", 1, "b", 1, "x", 1), 100, 1));
    rig.register(contract(t, "low-level", Map.of("a", 1, "b", 1, "c", 1), 100, 1));
    Map<String, Integer> required = Map.of("a", 1, "b", 1, "c", 2);

    NotClaimed none = (NotClaimed) rig.claim(task("t1", t + "/p", required, 1_000));

    assertThat(none.reason()).isEqualTo(Reason.NO_CAPABILITY_MATCH);
    assertThat(none.counts()).containsEntry("examined", 1L).containsEntry("matched", 0L);
    assertThat(none.message())
        .isEqualTo(
            "no agent that could take task t1 holds enough of the 3 capabilities it requires (at"
                + " the policy's minimum match); 0 matching agents owned it before, 0 have an"
                + " expired contract");

    rig.policy(t, TenantPolicy.builder().minMatchPermille(666).build());
    assertThat(rig.claim(task("t1", t + "/p", required, 1_000))).isInstanceOf(Claimed.class);
  }

  @Test
  void whenEveryMatchingAgentIsFullTheAnswerIsAllBusy() {
    String t = tenantWithBudget("busy", 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 100, 1));
    rig.claimed(task("t1", t + "/p", Map.of("go", 1), 1_000));

    NotClaimed busy = (NotClaimed) rig.claim(task("t2", t + "/p", Map.of("go", 1), 1_000));

    assertThat(busy.reason()).isEqualTo(Reason.ALL_BUSY);
    assertThat(busy.counts()).containsEntry("busy", 1L);
    assertThat(busy.escalated()).isTrue();
  }

  @Test
  void agentsDearerThanTheTaskOrThePolicyAllowsAreOverCost() {
    String t = tenantWithBudget("cost", 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 5_000, 1));

    NotClaimed dear = (NotClaimed) rig.claim(task("t1", t + "/p", Map.of("go", 1), 4_999));
    assertThat(dear.reason()).isEqualTo(Reason.OVER_COST);

    rig.policy(t, TenantPolicy.builder().maxCostPerTaskMicros(4_000).build());
    NotClaimed capped = (NotClaimed) rig.claim(task("t1", t + "/p", Map.of("go", 1), 10_000));
    assertThat(capped.reason()).isEqualTo(Reason.OVER_COST);
  }

  @Test
  void whenTheBestAgentDoesNotFitTheBudgetTheBestOneThatFitsGetsTheTask() {
    String t = tenantWithBudget("fits", 4_000);
    rig.register(contract(t, "dear-but-best", Map.of("go", 1), 5_000, 1));
    rig.register(contract(t, "cheap", Map.of("go", 1), 3_000, 1));
    rig.governor.charge(t + "/p", 500);

    Claimed claim = rig.claimed(task("t1", t + "/p", Map.of("go", 1), 10_000));

    assertThat(claim.agentId()).isEqualTo("cheap");
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isEqualTo(3_000);
  }

  @Test
  void aClaimRefusedForBudgetAfterChoosingItsAgentChangesNothing() {
    String t = tenantWithBudget("midway", 2_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 3_000, 1));
    Agent before = rig.agent(t, "a1");
    List<String> keysBefore = keys(t);
    int ledgerBefore = rig.governor.ledger(t).size();

    NotClaimed refused = (NotClaimed) rig.claim(task("t1", t + "/p", Map.of("go", 1), 10_000));

    assertThat(refused.reason()).isEqualTo(Reason.BUDGET);
    assertThat(refused.refusals())
        .containsExactly(new Refusal(Scope.parse(t), Window.LIFETIME, 1_000));
    assertThat(rig.agent(t, "a1")).isEqualTo(before);
    assertThat(keys(t)).isEqualTo(withEvents(keysBefore, t));
    assertThat(rig.governor.ledger(t)).hasSize(ledgerBefore);
    assertThat(rig.governor.usage(t, Window.LIFETIME).reservedMicros()).isZero();
    assertThat(rig.claim(task("t2", t + "/p", Map.of("go", 1), 2_000)))
        .isInstanceOfSatisfying(
            NotClaimed.class, n -> assertThat(n.reason()).isEqualTo(Reason.OVER_COST));
  }

  @Test
  void drainingAndDisabledAgentsTakeNoNewTasks() {
    String t = tenantWithBudget("drain", 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 100, 2));
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DRAINING, GovernorRig.ADMIN));

    NotClaimed drained = (NotClaimed) rig.claim(task("t1", t + "/p", Map.of("go", 1), 1_000));
    Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.ACTIVE, GovernorRig.ADMIN));

    assertThat(drained.reason()).isEqualTo(Reason.NO_CAPABILITY_MATCH);
    assertThat(drained.counts()).containsEntry("unavailable", 1L);
    assertThat(rig.claim(task("t1", t + "/p", Map.of("go", 1), 1_000))).isInstanceOf(Claimed.class);
  }

  @Test
  void aTaskIsHandedOnToAtMostMaxAgentsThenEscalated() {
    String t = tenantWithBudget("blocker", 1_000_000);
    for (String id : List.of("a1", "a2", "a3", "a4")) {
      rig.register(contract(t, id, Map.of("go", 1), 100, 1));
    }
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Claimed claim = rig.claimed(task("blocker", t + "/p", Map.of("go", 1), 1_000));
      owners.add(claim.agentId());
      rig.finish(claim, TaskOutcome.FAILED, 10);
    }

    NotClaimed stop = (NotClaimed) rig.claim(task("blocker", t + "/p", Map.of("go", 1), 1_000));

    assertThat(owners).doesNotHaveDuplicates();
    assertThat(stop.reason()).isEqualTo(Reason.MAX_AGENTS_REACHED);
    assertThat(stop.message())
        .isEqualTo("task blocker has had 3 agents, the most its policy allows (3)");
    assertThat(events(t))
        .contains(
            Map.of("type", "claim.escalated", "task", "blocker", "reason", "max_agents_reached"));
  }

  @Test
  void theEscalationEventSaysWhyNobodyQualified() {
    String t = tenantWithBudget("escalate", 1_000_000);

    NotClaimed nobody = (NotClaimed) rig.claim(task("t1", t + "/p", Map.of("rust", 1), 1_000));

    assertThat(nobody.reason()).isEqualTo(Reason.NO_CAPABILITY_MATCH);
    assertThat(events(t))
        .containsExactly(
            Map.of("type", "claim.escalated", "task", "t1", "reason", "no_capability_match"));
    assertThat(
            rig.meters
                .get("governor.claims")
                .tag("outcome", "no_capability_match")
                .counter()
                .count())
        .isPositive();
  }

  @Test
  void aTaskIdUsedWithAnotherScopeIsAConflict() {
    String t = tenantWithBudget("scope", 1_000_000);
    rig.register(contract(t, "a1", Map.of("go", 1), 100, 2));
    rig.claimed(task("t1", t + "/p", Map.of("go", 1), 1_000));

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> rig.claim(task("t1", t + "/q", Map.of("go", 1), 1_000)))
        .hasMessage("task t1 belongs to scope " + t + "/p");
  }

  /** Every key of the tenant, sorted. */
  private static List<String> keys(String tenant) {
    Response reply =
        Await.result(
            rig.governor.redis.send(Request.cmd(Command.KEYS).arg("gov:{" + tenant + "}:*")));
    List<String> names = new ArrayList<>();
    reply.forEach(name -> names.add(name.toString()));
    names.sort(null);
    return names;
  }

  private static List<String> withEvents(List<String> keys, String tenant) {
    List<String> names = new ArrayList<>(keys);
    String events = EventStream.CLAIMS.key(tenant);
    if (!names.contains(events)) {
      names.add(events);
      names.sort(null);
    }
    return names;
  }

  /** The type, task and reason of each event of the tenant. */
  private static List<Map<String, String>> events(String tenant) {
    return rig.events(tenant).stream()
        .map(e -> Map.of("type", e.get("type"), "task", e.get("task"), "reason", e.get("reason")))
        .toList();
  }
}
