package com.infrafabric.governor.registry;

import static com.infrafabric.governor.testing.ClaimRig.contract;
import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.ledger.LedgerEntry;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class RegistrationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path keys;
  @TempDir static Path strangerKeys;

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
  void aContractSignedByTheOperatorRegistersTheAgentWithWhatItGrants() {
    String t = freshTenant("reg");
    Agent agent = rig.register(contract(t, "a1", Map.of("python", 3, "sql", 1), 2_000, 4));

    assertThat(agent.capabilities().levels()).containsExactly(entry("python", 3), entry("sql", 1));
    assertThat(agent.costPerTaskMicros()).isEqualTo(2_000);
    assertThat(agent.slots()).isEqualTo(4);
    assertThat(agent.busySlots()).isZero();
    assertThat(agent.status()).isEqualTo(AgentStatus.ACTIVE);
    assertThat(agent.breaker()).isEqualTo(BreakerState.CLOSED);
    assertThat(agent.reputationPpm()).isEqualTo(500_000);
    assertThat(stored(t, "a1")).isEqualTo(agent);
    assertThat(rig.governor.ledger(t)).extracting(LedgerEntry::type).containsExactly("agent");
  }

  @Test
  void anUnsignedContractIsRejected() {
    String t = freshTenant("unsigned");
    String signed = rig.sign(contract(t, "a1", Map.of("python", 1), 100, 1));
    String[] parts = signed.split("\\.");
    String none = base64("{\"alg\":\"none\"}");

    assertRejected(() -> register(none + "." + parts[1] + "."), "malformed");
    assertRejected(() -> register(parts[0] + "." + parts[1] + "."), "malformed");
    assertThat(rig.registry.get(t, "a1")).satisfies(f -> assertThat(Await.result(f)).isEmpty());
  }

  @Test
  void aContractWhoseCapabilitiesWereEditedAfterSigningIsRejected() {
    String t = freshTenant("forged");
    String modest = rig.sign(contract(t, "a1", Map.of("python", 1), 100, 1));
    String grand = rig.sign(contract(t, "a1", Map.of("python", 10, "admin", 10), 100, 1));

    String[] forged = modest.split("\\.");
    forged[1] = grand.split("\\.")[1];

    assertRejected(() -> register(String.join(".", forged)), "signature");
    assertThat(Await.result(rig.registry.get(t, "a1"))).isEmpty();
  }

  @Test
  void aContractSignedByAKeyTheOperatorDoesNotTrustIsRejected() {
    String t = freshTenant("stranger");
    TestTokens stranger = TestTokens.create(strangerKeys, rig.clock);
    String signed =
        stranger.mint(
            contract(t, "a1", Map.of("python", 1), 100, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofHours(1)));

    assertRejected(() -> register(signed), "unknown_key");
  }

  @Test
  void regressionAContractWithACriticalHeaderIsRejectedForItNotForItsSignature() {
    // The platform's verifier reported an unknown critical parameter as a bad signature, and
    // accepted an empty crit, which RFC 7515 forbids.
    String t = freshTenant("critical");
    String signed = rig.sign(contract(t, "a1", Map.of("python", 1), 100, 1));

    assertRejected(
        () -> register(rig.operator.resigned(signed, "\"crit\":[\"foo\"],\"foo\":1")),
        "critical_header");
    assertRejected(() -> register(rig.operator.resigned(signed, "\"crit\":[]")), "critical_header");
    assertThat(Await.result(rig.registry.get(t, "a1"))).isEmpty();
  }

  @Test
  void anExpiredContractIsRejected() {
    String t = freshTenant("expired");
    String signed =
        rig.operator.mint(
            contract(t, "a1", Map.of("python", 1), 100, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofMinutes(10)));
    rig.clock.advance(Duration.ofMinutes(11));

    assertRejected(() -> register(signed), "expired");
  }

  @Test
  void anAgentsOwnBearerTokenCannotServeAsAContractEvenWithCapabilityClaims() {
    String t = freshTenant("self");
    AgentContract wanted = contract(t, "a1", Map.of("python", 10), 1, 1000);
    String bearer =
        rig.operator.mint(
            wanted
                .toTokenSpec(TestTokens.ISSUER, Duration.ofHours(1))
                .withAudience(TestTokens.AUDIENCE)
                .withRoles("agent"));

    assertRejected(() -> register(bearer), "audience");
    assertThat(Await.result(rig.registry.get(t, "a1"))).isEmpty();
  }

  @Test
  void capabilitiesChangeOnlyWithAHigherContractVersion() {
    String t = freshTenant("versions");
    AgentContract v1 = contract(t, "a1", Map.of("python", 1), 100, 1);
    rig.register(v1);
    AgentContract elevated = withCapabilities(v1, Map.of("python", 9), 1);

    assertThatThrownBy(() -> rig.register(elevated))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTRACT_STALE))
        .hasMessage(
            "agent a1 has contract version 1 registered; a change needs a higher version than 1");
    assertThat(rig.register(v1).capabilities().levels()).containsEntry("python", 1);

    Agent v2 = rig.register(withCapabilities(v1, Map.of("python", 9, "go", 2), 2));
    assertThat(v2.capabilities().levels()).containsEntry("python", 9).containsEntry("go", 2);
    assertThatThrownBy(() -> rig.register(v1)).hasMessageContaining("version 2 registered");
  }

  @Test
  void aRemovedAgentCannotComeBackWithItsOldContract() {
    String t = freshTenant("removed");
    AgentContract v1 = contract(t, "a1", Map.of("python", 1), 100, 1);
    rig.register(v1);

    Await.result(rig.registry.remove(t, "a1", GovernorRig.ADMIN));

    assertThat(Await.result(rig.registry.get(t, "a1"))).isEmpty();
    assertThatThrownBy(() -> rig.register(v1))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTRACT_STALE));
    assertThat(rig.register(withCapabilities(v1, Map.of("python", 1), 2)).contractVersion())
        .isEqualTo(2);
  }

  @Test
  void statusChangesAreStoredAndUnknownAgentsAreNamed() {
    String t = freshTenant("status");
    rig.register(contract(t, "a1", Map.of("python", 1), 100, 1));

    Agent drained =
        Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DRAINING, GovernorRig.ADMIN));
    Agent disabled =
        Await.result(rig.claims.setAgentStatus(t, "a1", AgentStatus.DISABLED, GovernorRig.ADMIN));

    assertThat(drained.status()).isEqualTo(AgentStatus.DRAINING);
    assertThat(disabled.status()).isEqualTo(AgentStatus.DISABLED);
    assertThat(stored(t, "a1").status()).isEqualTo(AgentStatus.DISABLED);
    assertThatThrownBy(
            () ->
                Await.result(
                    rig.claims.setAgentStatus(t, "nobody", AgentStatus.ACTIVE, GovernorRig.ADMIN)))
        .isInstanceOfSatisfying(
            GovernorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AGENT_NOT_FOUND))
        .hasMessage("agent nobody is not registered");
  }

  @Test
  void aContractWithInvalidTermsIsRefusedWithTheFieldNamed() {
    assertThatThrownBy(() -> contract("t", "a1", Map.of("python", 1), 100, 0))
        .hasMessage("agent contract slots 0 is outside 1..1000");
    assertThatThrownBy(() -> contract("t", "a 1", Map.of("python", 1), 100, 1))
        .hasMessageContaining("agent id 'a 1' must be");
    assertThatThrownBy(() -> contract("t", "a1", Map.of("Py thon", 1), 100, 1))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CAPABILITY));
    assertThatThrownBy(() -> contract("t", "a1", Map.of("python", 11), 100, 1))
        .hasMessage("capability python level 11 is outside 1..10");
  }

  private static AgentContract withCapabilities(
      AgentContract base, Map<String, Integer> capabilities, long version) {
    return new AgentContract(
        base.agentId(),
        base.tenant(),
        CapabilitySet.of(capabilities),
        base.model(),
        base.costPerTaskMicros(),
        base.slots(),
        base.slo(),
        version);
  }

  private static Agent stored(String tenant, String id) {
    return Await.result(rig.registry.get(tenant, id)).orElseThrow();
  }

  /**
   * Regression: a signed capability like {@code lv:07} or {@code lv:+7} was refused as 400 {@code
   * INVALID_CAPABILITY}, while every other bad contract field is 422 {@code INVALID_CONTRACT}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lv:07", "lv:+7", "lv:11", "LV", "lv:"})
  void aBadCapabilityInASignedContractIsAnInvalidContractNamingTheField(String capability) {
    String t = freshTenant("bad-cap");
    String signed =
        rig.operator.mint(
            contract(t, "a1", Map.of("python", 1), 100, 1)
                .toTokenSpec(TestTokens.ISSUER, Duration.ofHours(1))
                .withListClaim(AgentContract.CLAIM_CAPABILITIES, List.of(capability)));

    assertThatThrownBy(() -> register(signed))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONTRACT);
              assertThat(e.details()).containsEntry("field", "capabilities");
            })
        .hasMessageStartingWith("agent contract capabilit");
    assertThat(Await.result(rig.registry.get(t, "a1"))).isEmpty();
  }

  /**
   * Regression: a tenant could register agents without bound, each keeping a record, indexes and
   * standings in the Redis every tenant shares. Past its cap a new agent is refused and nothing is
   * written, while the agents it holds still take new contracts, and a removal frees a place.
   */
  @Test
  void aTenantHoldingAsManyAgentsAsItMayRegistersNoNewOneUntilItRemovesOne() {
    String t = freshTenant("cap");
    AgentRegistry capped =
        new AgentRegistry(rig.scripts, rig.contracts, rig.governor.redis, rig.meters, 2);
    Await.result(capped.register(rig.sign(contract(t, "a1", Map.of("python", 1), 100, 1)), "x"));
    Await.result(capped.register(rig.sign(contract(t, "a2", Map.of("python", 1), 100, 1)), "x"));
    List<LedgerEntry> before = rig.governor.ledger(t);

    assertThatThrownBy(
            () ->
                Await.result(
                    capped.register(rig.sign(contract(t, "a3", Map.of("python", 1), 100, 1)), "x")))
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.AGENT_LIMIT_REACHED);
              assertThat(e.details()).containsEntry("max_agents", 2);
            });
    assertThat(Await.result(rig.registry.get(t, "a3"))).isEmpty();
    assertThat(rig.governor.ledger(t)).isEqualTo(before);

    Agent renewed =
        Await.result(
            capped.register(
                rig.sign(
                    withCapabilities(
                        contract(t, "a2", Map.of("python", 1), 100, 1), Map.of("python", 2), 2)),
                "x"));
    assertThat(renewed.capabilities().levels()).containsExactly(entry("python", 2));

    Await.result(capped.remove(t, "a1", "x"));
    Await.result(capped.register(rig.sign(contract(t, "a3", Map.of("python", 1), 100, 1)), "x"));
    assertThat(Await.result(rig.registry.get(t, "a3"))).isPresent();
  }

  private static Agent register(String jws) {
    return Await.result(rig.registry.register(jws, GovernorRig.ADMIN));
  }

  private static void assertRejected(ThrowingCallable registration, String reason) {
    assertThatThrownBy(registration)
        .isInstanceOfSatisfying(
            GovernorException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CONTRACT_REJECTED);
              assertThat(e.details()).containsEntry("reason", reason);
            })
        .hasMessageStartingWith("agent contract refused (" + reason + ")");
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static Map.Entry<String, Integer> entry(String name, int level) {
    return Map.entry(name, level);
  }
}
