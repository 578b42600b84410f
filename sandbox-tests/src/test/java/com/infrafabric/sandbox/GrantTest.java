package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.TestGrants;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.SigningKeyPair;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Grants presented through {@code Chassis.invoke}: forged, expired, replayed, for another audience
 * or another module they are refused before any guest code runs, also on a second chassis node and
 * after a restart; a valid grant narrows what the contract allows and never widens it.
 */
@Timeout(60)
class GrantTest {

  private static final TestTokens GOVERNOR = GovernorKeys.create();
  private static final TestGrants GRANTS = new TestGrants(GOVERNOR, Clock.systemUTC());

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.grantVerification(GOVERNOR.settings()), HostResolver.system());

  private static final String KV_WRITER =
      """
      (module
        (import "infrafabric" "kv_put" (func $put (param i32 i32 i32 i32) (result i32)))
        (import "infrafabric" "output_write" (func $write (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "k")
        (data (i32.const 8) "0123456789")
        (func (export "run") (result i32) (local $r i32)
          (local.set $r (call $put (i32.const 0) (i32.const 1) (i32.const 8) (i32.const 1)))
          (i32.store8 (i32.const 16) (i32.sub (i32.const 48) (local.get $r)))
          (drop (call $write (i32.const 16) (i32.const 1)))
          (i32.const 0)))
      """;

  private static ToolInfo writer;

  @BeforeAll
  static void register() {
    writer = HOST.register(Guests.wat(KV_WRITER), c -> c.grantKv(1024, 10));
  }

  private static InvocationResult invoke(String token) {
    return HOST.invoke(writer.ref(), "{}", TestChassis.CONTEXT.withGrant(token));
  }

  private static void assertRefused(InvocationResult result, String message) {
    assertThat(result.outcome()).isEqualTo(Outcome.GRANT_REFUSED);
    assertThat(result.message()).isEqualTo(message);
    assertThat(result.report().hostCalls()).isZero();
  }

  @Test
  void aValidGrantRunsTheTool() {
    Grant grant = GRANTS.forTool(writer.digest(), Set.of("kv"));
    InvocationResult result = invoke(GRANTS.sign(grant));
    assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("0");
  }

  @Test
  void forgedExpiredForeignAndMisboundGrantsAreRefused() {
    Grant grant = GRANTS.forTool(writer.digest(), Set.of("kv"));
    TokenMinter stranger =
        TokenMinter.fromPrivateJwks(SigningKeyPair.generate("ES256").privateJwks());
    assertRefused(
        invoke(
            GrantTokens.sign(
                stranger, TestTokens.ISSUER, TestTokens.AUDIENCE, grant, Clock.systemUTC())),
        "grant refused: unknown_key");
    assertRefused(invoke(GRANTS.sign(grant, "another-chassis")), "grant refused: audience");
    assertRefused(invoke("not.a.token"), "grant refused: malformed");

    TestGrants anHourAgo =
        new TestGrants(
            GOVERNOR, Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC));
    Grant expired = anHourAgo.forTool(writer.digest(), Set.of("kv"));
    assertRefused(invoke(anHourAgo.sign(expired)), "grant refused: expired");

    ModuleDigest other = ModuleDigest.of(new byte[] {42});
    assertRefused(
        invoke(GRANTS.sign(GRANTS.forTool(other, Set.of("kv")))),
        "grant refused: it does not cover module " + writer.digest());
  }

  @Test
  void aSpentGrantIsRefusedOnASecondNodeAndAfterARestart() {
    Grant once = GRANTS.grant(writer.digest(), Set.of("kv"), Set.of(), Set.of(), 0, 1);
    String token = GRANTS.sign(once);
    assertThat(invoke(token).outcome()).isEqualTo(Outcome.SUCCESS);
    String spent = "grant refused: " + once.id() + " was already used 1 of 1 times";
    assertRefused(invoke(token), spent);
    try (TestChassis second = HOST.startNode()) {
      assertRefused(second.invoke(writer.ref(), "{}", TestChassis.CONTEXT.withGrant(token)), spent);
    }
  }

  @Test
  void aGrantUsedBeforeARestartIsRefusedAfterIt() {
    Grant once = GRANTS.grant(writer.digest(), Set.of("kv"), Set.of(), Set.of(), 0, 1);
    String token = GRANTS.sign(once);
    try (TestChassis before = HOST.startNode()) {
      assertThat(before.invoke(writer.ref(), "{}", TestChassis.CONTEXT.withGrant(token)).outcome())
          .isEqualTo(Outcome.SUCCESS);
    }
    try (TestChassis after = HOST.startNode()) {
      assertRefused(
          after.invoke(writer.ref(), "{}", TestChassis.CONTEXT.withGrant(token)),
          "grant refused: " + once.id() + " was already used 1 of 1 times");
    }
  }

  @Test
  void aGrantNarrowsTheContractButCannotWidenIt() {
    Grant withoutKv = GRANTS.forTool(writer.digest(), Set.of("http", "llm"));
    InvocationResult narrowed = invoke(GRANTS.sign(withoutKv));
    assertThat(narrowed.output()).as(narrowed.message()).isEqualTo("5");
    assertThat(narrowed.logs().get(0).message())
        .isEqualTo("kv_put denied: the invocation's grant does not name kv");
    assertThat(HOST.denied("grant")).isPositive();
  }

  @Test
  void withoutAGrantAToolWithoutGrantGatedCapabilitiesRunsAsBefore() {
    assertThat(HOST.invoke(writer.ref(), "{}").output()).isEqualTo("0");
  }
}
