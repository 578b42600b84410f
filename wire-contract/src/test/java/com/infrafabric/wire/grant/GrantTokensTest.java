package com.infrafabric.wire.grant;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.AuthResult.Reason;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class GrantTokensTest {

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private Vertx vertx;
  private TestTokens governorKeys;
  private JwtAuthenticator chassisVerifier;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    governorKeys = TestTokens.create(directory, clock);
    chassisVerifier = JwtAuthenticator.create(vertx, governorKeys.settings(), clock);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private Grant grant(Duration lifetime) {
    return new Grant(
        "g-1",
        "agent-7",
        "acme",
        "task-42",
        "acme/search/task-42",
        Set.of("a".repeat(64)),
        Set.of("http", "llm"),
        Set.of("search-api-key"),
        Set.of("gpt-4o-mini"),
        250_000,
        3,
        clock.instant().plus(lifetime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  private String sign(Grant grant) {
    return GrantTokens.sign(
        governorKeys.minter(), TestTokens.ISSUER, TestTokens.AUDIENCE, grant, clock);
  }

  @Test
  void aSignedGrantVerifiesToTheSameGrant() {
    Grant grant = grant(Duration.ofMinutes(5));
    GrantCheck check = Await.result(GrantTokens.verify(chassisVerifier, sign(grant)));
    assertThat(check).isEqualTo(new GrantCheck.Valid(grant));
  }

  @Test
  void anExpiredGrantIsRefused() {
    String token = sign(grant(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(Await.result(GrantTokens.verify(chassisVerifier, token)))
        .isEqualTo(new GrantCheck.Refused(Reason.EXPIRED));
  }

  @Test
  void aGrantSignedByAnotherKeyOrTamperedWithIsRefused() {
    Grant grant = grant(Duration.ofMinutes(5));
    TokenMinter stranger =
        TokenMinter.fromPrivateJwks(
            com.infrafabric.platform.auth.SigningKeyPair.generate("ES256").privateJwks());
    String foreign =
        GrantTokens.sign(stranger, TestTokens.ISSUER, TestTokens.AUDIENCE, grant, clock);
    assertThat(Await.result(GrantTokens.verify(chassisVerifier, foreign)))
        .isEqualTo(new GrantCheck.Refused(Reason.UNKNOWN_KEY));

    String token = sign(grant);
    String[] parts = token.split("\\.");
    String widened =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                        .replace("\"uses\":\"3\"", "\"uses\":\"999\"")
                        .getBytes())
            + "."
            + parts[2];
    assertThat(Await.result(GrantTokens.verify(chassisVerifier, widened)))
        .isEqualTo(new GrantCheck.Refused(Reason.SIGNATURE));
  }

  @Test
  void aTokenForAnotherAudienceOrWithoutGrantClaimsIsRefused() {
    Grant grant = grant(Duration.ofMinutes(5));
    String otherAudience =
        GrantTokens.sign(governorKeys.minter(), TestTokens.ISSUER, "someone-else", grant, clock);
    assertThat(Await.result(GrantTokens.verify(chassisVerifier, otherAudience)))
        .isEqualTo(new GrantCheck.Refused(Reason.AUDIENCE));

    String bearerToken =
        governorKeys.mint(
            TokenSpec.of("agent-7", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofMinutes(5)));
    assertThat(Await.result(GrantTokens.verify(chassisVerifier, bearerToken)))
        .isEqualTo(new GrantCheck.Refused(Reason.CLAIMS));
  }

  @Test
  void aGrantWhoseTenantAgentOrBudgetScopeLeavesTheScopeGrammarOrItsTenantIsRefused() {
    for (String[] claims :
        new String[][] {
          {"tenant", ".."},
          {"tenant", "a.b"},
          {"sub", ".."},
          {"scope", "other/search"},
          {"scope", "acme/.."}
        }) {
      String token =
          governorKeys.mint(
              TokenSpec.of("agent-7", TestTokens.ISSUER, TestTokens.AUDIENCE, Duration.ofMinutes(5))
                  .withClaim("jti", "g-1")
                  .withClaim("tenant", "acme")
                  .withClaim("task", "acme/t1#1")
                  .withScope("acme/search")
                  .withClaim("cost_cap", "0")
                  .withClaim("uses", "1")
                  .withClaim("until", "1900000000")
                  .withClaim(claims[0], claims[1]));
      assertThat(Await.result(GrantTokens.verify(chassisVerifier, token)))
          .as(claims[0] + "=" + claims[1])
          .isEqualTo(new GrantCheck.Refused(Reason.CLAIMS));
    }
  }
}
