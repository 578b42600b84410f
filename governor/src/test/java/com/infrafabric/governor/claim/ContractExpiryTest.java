package com.infrafabric.governor.claim;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.ClaimRig.task;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimOutcome.Reason;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An agent's signed contract bounds how long it is given tasks, not only its registration. */
@Timeout(60)
class ContractExpiryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;

  private static final Map<String, Integer> PYTHON = Map.of("python", 1);

  private static ClaimRig rig;

  @BeforeAll
  static void start() {
    rig = new ClaimRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"), keys);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static String tenant(String hint) {
    String t = freshTenant(hint);
    rig.governor.budget(t, Window.LIFETIME, 1_000_000);
    return t;
  }

  private static Agent register(AgentContract contract, Duration ttl) {
    return Await.result(
        rig.registry.register(
            rig.operator.mint(contract.toTokenSpec(TestTokens.ISSUER, ttl)), GovernorRig.ADMIN));
  }

  private static boolean available(String tenant, String agent) {
    String index = TenantKeyNames.of(tenant).prefix() + "ix:python";
    return Await.result(rig.governor.redis.send(Request.cmd(Command.ZSCORE).arg(index).arg(agent)))
        != null;
  }

  /**
   * Regression: an agent registered with a contract signed for one second still won claims minutes
   * after it expired; the contract's expiry was checked at registration only and not stored.
   */
  @Test
  void anAgentWhoseContractExpiredIsGivenNoTask() {
    String t = tenant("lapsed");
    Agent cheap = register(contract(t, "cheap", PYTHON, 100, 4), Duration.ofMinutes(1));
    register(contract(t, "dear", PYTHON, 1_000, 4), Duration.ofDays(1));

    assertThat(cheap.contractExpiresAt()).contains(rig.clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(rig.claimed(task("t1", t, PYTHON, 10_000)).agentId()).isEqualTo("cheap");

    rig.clock.advance(Duration.ofMinutes(1));
    Claimed claimed = rig.claimed(task("t2", t, PYTHON, 10_000));

    assertThat(claimed.agentId()).isEqualTo("dear");
    assertThat(available(t, "cheap")).as("left the available index").isFalse();
    assertThat(available(t, "dear")).isTrue();
  }

  /** Regression: an expired agent was matched, so a refusal never said why it was passed over. */
  @Test
  void aClaimOnlyAnExpiredAgentCouldTakeIsRefusedAndCountsIt() {
    String t = tenant("lapsed-only");
    register(contract(t, "only", PYTHON, 100, 4), Duration.ofSeconds(1));
    rig.clock.advance(Duration.ofSeconds(46));

    NotClaimed refused = (NotClaimed) rig.claim(task("t1", t, PYTHON, 10_000));

    assertThat(refused.reason()).isEqualTo(Reason.NO_CAPABILITY_MATCH);
    assertThat(refused.counts()).containsEntry("contracts_expired", 1L);
    assertThat(refused.message()).endsWith("1 have an expired contract");
  }

  /** The sweeper's step drops an expired agent from the indexes with no claim passing by. */
  @Test
  void theSweepTakesAnExpiredAgentOutOfTheAvailableIndex() {
    String t = tenant("lapsed-sweep");
    register(contract(t, "idle", PYTHON, 100, 4), Duration.ofMinutes(1));
    assertThat(available(t, "idle")).isTrue();

    rig.clock.advance(Duration.ofMinutes(2));
    Await.result(rig.claims.expireDue(t, 10));

    assertThat(available(t, "idle")).isFalse();
  }

  /** Signing the same contract again, to expire later, renews it: the agent takes tasks again. */
  @Test
  void aRenewedContractMakesTheAgentAvailableAgain() {
    String t = tenant("renewed");
    AgentContract contract = contract(t, "a1", PYTHON, 100, 4);
    register(contract, Duration.ofMinutes(1));
    rig.clock.advance(Duration.ofMinutes(2));
    assertThat(rig.claim(task("t1", t, PYTHON, 10_000))).isInstanceOf(NotClaimed.class);

    Agent renewed = register(contract, Duration.ofDays(1));

    assertThat(renewed.contractExpiresAt()).contains(rig.clock.instant().plus(Duration.ofDays(1)));
    assertThat(rig.claimed(task("t2", t, PYTHON, 10_000)).agentId()).isEqualTo("a1");
  }
}
