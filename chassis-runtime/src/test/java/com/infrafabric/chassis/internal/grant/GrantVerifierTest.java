package com.infrafabric.chassis.internal.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.internal.grant.GrantVerifier.Decision;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantRevocation;
import com.infrafabric.wire.grant.GrantTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GrantVerifierTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final ModuleDigest TOOL = ModuleDigest.of(new byte[] {1, 2, 3});
  private static final InvocationContext CONTEXT = TestChassis.CONTEXT;

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private Vertx vertx;
  private RedisStore redis;
  private TestTokens governor;
  private TestGrants grants;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis =
        RedisStore.create(
            vertx,
            RedisSettings.of(REDIS.endpoint())
                .withCommandTimeout(ChassisServiceRig.COMMAND_TIMEOUT),
            new SimpleMeterRegistry());
    governor = TestTokens.create(directory, clock);
    grants = new TestGrants(governor, clock);
  }

  @AfterEach
  void stop() {
    redis.close();
    vertx.close().await();
  }

  /** A verifier as one chassis node builds it; a new one is a restart or another node. */
  private GrantVerifier node() {
    return new GrantVerifier(
        Optional.of(JwtAuthenticator.create(vertx, governor.settings(), clock)),
        new GrantLedger(redis, clock, governor.settings().clockSkew()));
  }

  private Decision admit(GrantVerifier verifier, String token, ModuleDigest digest) {
    return Await.result(verifier.admit(token, CONTEXT, digest));
  }

  private static Decision refused(String reason) {
    return new Decision.Refused("grant refused: " + reason);
  }

  @Test
  void aValidGrantAdmitsTheToolItCovers() {
    Grant grant = grants.forTool(TOOL, Set.of("http"));
    assertThat(admit(node(), grants.sign(grant), TOOL)).isEqualTo(new Decision.Admitted(grant));
  }

  /** Regression: the chassis refused every grant the governor's claim path issued ("claims"). */
  @Test
  void aGrantIdFromTheClaimPathIsAdmittedAndOneThatCouldLeaveItsHashTagIsNot() {
    Grant claimed = withId(grants.forTool(TOOL, Set.of()), "grant:tenant-a/task-42#1");
    assertThat(admit(node(), grants.sign(claimed), TOOL)).isEqualTo(new Decision.Admitted(claimed));

    Grant braced = withId(grants.forTool(TOOL, Set.of()), "g-}{other");
    assertThat(admit(node(), grants.sign(braced), TOOL)).isEqualTo(refused("claims"));
  }

  private static Grant withId(Grant grant, String id) {
    return new Grant(
        id,
        grant.agent(),
        grant.tenant(),
        grant.task(),
        grant.budgetScope(),
        grant.toolDigests(),
        grant.capabilities(),
        grant.credentials(),
        grant.models(),
        grant.costCapMicros(),
        grant.maxUses(),
        grant.expiresAt());
  }

  @Test
  void forgedExpiredAndForeignGrantsAreRefusedAndSpendNoUse() {
    Grant grant = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 1);
    GrantVerifier verifier = node();
    TokenMinter stranger =
        TokenMinter.fromPrivateJwks(SigningKeyPair.generate("ES256").privateJwks());
    String foreignKey =
        GrantTokens.sign(stranger, TestTokens.ISSUER, TestTokens.AUDIENCE, grant, clock);
    assertThat(admit(verifier, foreignKey, TOOL)).isEqualTo(refused("unknown_key"));

    String[] parts = grants.sign(grant).split("\\.");
    String widened = parts[0] + "." + widen(parts[1]) + "." + parts[2];
    assertThat(admit(verifier, widened, TOOL)).isEqualTo(refused("signature"));
    assertThat(admit(verifier, grants.sign(grant, "another-chassis"), TOOL))
        .isEqualTo(refused("audience"));
    ModuleDigest other = ModuleDigest.of(new byte[] {9});
    assertThat(admit(verifier, grants.sign(grant), other))
        .isEqualTo(refused("it does not cover module " + other));
    Decision otherTenant =
        Await.result(
            verifier.admit(
                grants.sign(grant), new InvocationContext("tenant-b", "agent-1", "inv-9"), TOOL));
    assertThat(otherTenant).isEqualTo(refused("it is for tenant tenant-a, not tenant-b"));

    assertThat(admit(verifier, governor.resigned(grants.sign(grant), "\"crit\":[\"foo\"]"), TOOL))
        .isEqualTo(refused("critical_header"));
    assertThat(admit(verifier, governor.resigned(grants.sign(grant), "\"crit\":[]"), TOOL))
        .isEqualTo(refused("critical_header"));

    String token = grants.sign(grant);
    clock.advance(Duration.ofMinutes(10));
    assertThat(admit(verifier, token, TOOL)).isEqualTo(refused("expired"));
    clock.advance(Duration.ofMinutes(-10));
    assertThat(admit(verifier, token, TOOL)).isEqualTo(new Decision.Admitted(grant));
  }

  @Test
  void aGrantSpendsOnlyWithinTheScopeTheAgentsTokenIsConfinedTo() {
    Grant grant = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 1);
    GrantVerifier verifier = node();
    // The probe: an agent confined to a sibling subtree spent on the grant's scope.
    Decision sibling =
        Await.result(
            verifier.admit(
                grants.sign(grant),
                new InvocationContext(
                    "tenant-a", "agent-1", "inv-8", "tenant-a/zzz", Optional.empty()),
                TOOL));
    assertThat(sibling)
        .isEqualTo(
            refused(
                "it spends on tenant-a/search/task-42, outside the token's scope tenant-a/zzz"));
    Decision above =
        Await.result(
            verifier.admit(
                grants.sign(grant),
                new InvocationContext(
                    "tenant-a", "agent-1", "inv-7", "tenant-a/search", Optional.empty()),
                TOOL));
    assertThat(above).isEqualTo(new Decision.Admitted(grant));
  }

  @Test
  void aReplayedGrantIsRefusedAfterARestartAndOnAnotherNode() {
    Grant grant = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 2);
    String token = grants.sign(grant);
    assertThat(admit(node(), token, TOOL)).isInstanceOf(Decision.Admitted.class);
    GrantVerifier restarted = node();
    assertThat(admit(restarted, token, TOOL)).isInstanceOf(Decision.Admitted.class);
    String spent = grant.id() + " was already used 2 of 2 times";
    assertThat(admit(restarted, token, TOOL)).isEqualTo(refused(spent));
    assertThat(admit(node(), token, TOOL)).isEqualTo(refused(spent));
  }

  @Test
  void aGrantWhoseLeaseEndedIsRefusedOnEveryNodeAndHoldsNothingMore() {
    Grant grant = grants.grant(TOOL, Set.of("llm"), Set.of(), Set.of("m"), 1_000, 5);
    String token = grants.sign(grant);
    assertThat(admit(node(), token, TOOL)).isInstanceOf(Decision.Admitted.class);
    GrantLedger ledger = new GrantLedger(redis, clock, Duration.ZERO);
    assertThat(Await.result(ledger.hold(grant, 100))).isEqualTo(new GrantLedger.Hold.Held(900));

    Await.result(
        redis.send(Request.cmd(Command.SET).arg(GrantRevocation.key(grant)).arg("abandoned")));

    String revoked = grant.id() + " was revoked: its task's lease ended (abandoned)";
    assertThat(admit(node(), token, TOOL)).isEqualTo(refused(revoked));
    assertThat(admit(node(), token, TOOL)).isEqualTo(refused(revoked));
    assertThat(Await.result(ledger.hold(grant, 100)))
        .isEqualTo(new GrantLedger.Hold.Revoked("abandoned"));
    Grant replayedClaim = withId(grant, "g-replayed");
    assertThat(admit(node(), grants.sign(replayedClaim), TOOL))
        .isEqualTo(refused("g-replayed was revoked: its task's lease ended (abandoned)"));
    Grant otherClaim = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 5);
    assertThat(admit(node(), grants.sign(otherClaim), TOOL)).isInstanceOf(Decision.Admitted.class);
  }

  @Test
  void nodesRacingOnTheLastUsesAdmitExactlyTheAllowedNumber() throws InterruptedException {
    Grant grant = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 3);
    String token = grants.sign(grant);
    List<GrantVerifier> nodes = List.of(node(), node());
    List<Decision> decisions =
        Concurrently.run(
            12, Duration.ofSeconds(20), i -> () -> admit(nodes.get(i % 2), token, TOOL));
    assertThat(decisions.stream().filter(Decision.Admitted.class::isInstance)).hasSize(3);
  }

  @Test
  void aRefundedUseCanBeUsedAgainAndTheRecordExpiresWithTheGrant() {
    Grant grant = grants.grant(TOOL, Set.of(), Set.of(), Set.of(), 0, 1);
    String token = grants.sign(grant);
    GrantVerifier verifier = node();
    assertThat(admit(verifier, token, TOOL)).isInstanceOf(Decision.Admitted.class);
    Await.result(verifier.refund(grant));
    assertThat(admit(verifier, token, TOOL)).isInstanceOf(Decision.Admitted.class);

    long ttl =
        Await.result(redis.send(Request.cmd(Command.PTTL).arg(GrantLedger.key(grant)))).toLong();
    long lifetime =
        Duration.between(clock.instant(), grant.expiresAt())
            .plus(governor.settings().clockSkew())
            .toMillis();
    assertThat(ttl).isBetween(lifetime - 5_000, lifetime);
  }

  @Test
  void concurrentHoldsNeverExceedTheGrantsCostCap() throws InterruptedException {
    Grant grant = grants.grant(TOOL, Set.of("llm"), Set.of(), Set.of("m"), 1_000, 1);
    GrantLedger ledger = new GrantLedger(redis, clock, Duration.ZERO);
    List<GrantLedger.Hold> holds =
        Concurrently.run(
            10, Duration.ofSeconds(20), i -> () -> Await.result(ledger.hold(grant, 300)));
    assertThat(holds.stream().filter(GrantLedger.Hold.Held.class::isInstance)).hasSize(3);
    assertThat(holds).contains(new GrantLedger.Hold.Denied(100));

    Await.result(ledger.settle(grant, 300, 120));
    Await.result(ledger.unhold(grant, 300));
    assertThat(Await.result(ledger.hold(grant, 580))).isEqualTo(new GrantLedger.Hold.Held(0));
  }

  private static String widen(String payload) {
    String json = new String(java.util.Base64.getUrlDecoder().decode(payload));
    return java.util.Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.replace("\"uses\":\"1\"", "\"uses\":\"99\"").getBytes());
  }
}
