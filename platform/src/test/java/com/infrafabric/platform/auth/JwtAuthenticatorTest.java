package com.infrafabric.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.AuthResult.Reason;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.TestTokens;
import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class JwtAuthenticatorTest {

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
  private Vertx vertx;
  private TestTokens tokens;
  private JwtAuthenticator authenticator;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    tokens = TestTokens.create(dir, clock);
    authenticator = JwtAuthenticator.create(vertx, tokens.settings(), clock);
    Await.result(authenticator.loadKeys());
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void acceptsAValidTokenAndExposesItsClaimsAsAPrincipal() {
    String token =
        tokens.mint(
            tokens
                .spec("alice", "admin", "auditor")
                .withScope("team-a")
                .withClaim("tenant", "acme")
                .withListClaim("tools", List.of("grep", "curl")));

    Principal principal = authenticated(token);

    assertThat(principal.subject()).isEqualTo("alice");
    assertThat(principal.roles()).containsExactlyInAnyOrder("admin", "auditor");
    assertThat(principal.scope()).contains("team-a");
    assertThat(principal.stringClaim("tenant")).contains("acme");
    assertThat(principal.stringListClaim("tools")).containsExactly("grep", "curl");
    assertThat(principal.stringClaims()).containsKey("jti").doesNotContainKeys("iss", "sub");
  }

  /**
   * Regression: a principal did not say when its token stops being accepted, so what outlives one
   * request (an MCP notification stream) outlived the token. Its expiry is the instant the same
   * token is first refused as expired: {@code exp} plus the clock skew allowed.
   */
  @Test
  void aPrincipalSaysWhenItsTokenIsFirstRefusedAsExpired() {
    String token = tokens.mint(tokens.spec("alice", "agent").withTtl(Duration.ofMinutes(5)));
    Instant expiresAt =
        clock.instant().plus(Duration.ofMinutes(5)).plus(JwtSettings.DEFAULT_CLOCK_SKEW);

    assertThat(authenticated(token).expiresAt()).contains(expiresAt);
    clock.set(expiresAt.minusMillis(1));
    assertThat(authenticated(token).expiresAt()).contains(expiresAt);
    clock.set(expiresAt);
    assertThat(rejection(token)).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void refusesEveryBrokenToken() {
    assertThat(rejection(null)).isEqualTo(Reason.MISSING);
    assertThat(rejection("not-a-jwt")).isEqualTo(Reason.MALFORMED);
    assertThat(rejection(tokens.forged("alice"))).isEqualTo(Reason.SIGNATURE);
    assertThat(rejection(tokens.wrongKey("alice"))).isEqualTo(Reason.SIGNATURE);
    assertThat(rejection(tokens.expired("alice"))).isEqualTo(Reason.EXPIRED);
    assertThat(rejection(tokens.notYetValid("alice"))).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(rejection(tokens.wrongIssuer("alice"))).isEqualTo(Reason.ISSUER);
    assertThat(rejection(tokens.wrongAudience("alice"))).isEqualTo(Reason.AUDIENCE);
    assertThat(rejection(tokens.missingKid("alice"))).isEqualTo(Reason.MISSING_KEY_ID);
    assertThat(rejection(tokens.unknownKid("alice"))).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void regressionATokenWithACriticalHeaderIsRefusedForItNotForItsSignature() {
    // Nimbus refuses an unknown critical parameter by failing the signature ("signature"), and
    // accepted an empty crit, which RFC 7515 forbids.
    String token = tokens.valid("alice");
    assertThat(authenticated(tokens.resigned(token, "\"typ\":\"JWT\"")).subject())
        .isEqualTo("alice");
    assertThat(rejection(tokens.resigned(token, "\"crit\":[\"foo\"],\"foo\":1")))
        .isEqualTo(Reason.CRITICAL_HEADER);
    assertThat(rejection(tokens.resigned(token, "\"crit\":[]"))).isEqualTo(Reason.CRITICAL_HEADER);
    assertThat(rejection(tokens.resigned(token, "\"crit\":[\"exp\"]")))
        .isEqualTo(Reason.CRITICAL_HEADER);
  }

  /**
   * A token verifies only as it was signed: its segments respelled (padding, the standard alphabet,
   * white space, stray low bits), which Nimbus would decode to the same bytes, are malformed, so no
   * caller holds two spellings of one token.
   */
  @Test
  void refusesATokenRespelled() {
    String token = tokens.valid("alice");
    assertThat(authenticated(token).subject()).isEqualTo("alice");
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String signed = token.substring(0, token.lastIndexOf('.') + 1);
    for (String respelled :
        List.of(
            token + "==",
            signed + Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(signature)),
            signed + signature.substring(0, 10) + " " + signature.substring(10),
            "." + token.substring(1))) {
      assertThat(rejection(respelled)).as(respelled).isEqualTo(Reason.MALFORMED);
    }
  }

  /**
   * Regression (review's probe): a token whose {@code scope} was JSON null was read as a platform
   * token (an admin's passed {@code GET /metrics}); any claim present as null is refused, since a
   * dropped restriction reads as none.
   */
  @Test
  void refusesATokenWithANullClaim() {
    for (String claim : List.of("scope", "models", "tools", "roles", "nickname")) {
      assertThat(rejection(tokens.withNullClaim("alice", claim, "admin")))
          .as(claim)
          .isEqualTo(Reason.CLAIMS);
      // Verification probe: a null among roles failed every service with a 500.
      assertThat(
              rejection(
                  tokens.withClaimValue("alice", claim, Arrays.asList("agent", null), "admin")))
          .as(claim + " holding a null")
          .isEqualTo(Reason.CLAIMS);
    }
  }

  /**
   * Regression (probe): the JWT library reads a numeric {@code sub} as text and a date past 64 bits
   * of milliseconds as one wrapped into the past, so a subject RFC 7519 forbids was accepted (one
   * holding a NUL reached the ledger's {@code by} fields) and {@code exp: 1e20} was refused as
   * expired. Each is refused as malformed claims, as the token's JSON has them.
   */
  @Test
  void refusesClaimsTheJwtLibraryWouldCoerce() {
    String tooLong = "a".repeat(ClaimsCheck.MAX_SUBJECT_CHARS + 1);
    for (Object subject : List.of(123, "ali\u0000ce", "a\nb", tooLong)) {
      assertThat(rejection(tokens.withClaimValue("alice", "sub", subject, "admin")))
          .as("sub %s", subject)
          .isEqualTo(Reason.CLAIMS);
    }
    for (String date : List.of("exp", "nbf", "iat")) {
      for (Object value : List.of(1e20, -1, 253_402_300_800L)) {
        assertThat(rejection(tokens.withClaimValue("alice", date, value, "admin")))
            .as("%s %s", date, value)
            .isEqualTo(Reason.CLAIMS);
      }
    }
    String longest = "a".repeat(ClaimsCheck.MAX_SUBJECT_CHARS);
    assertThat(authenticated(tokens.withClaimValue("alice", "sub", longest, "admin")).subject())
        .isEqualTo(longest);
  }

  @Test
  void refusesATokenWhoseScopeIsOutsideTheScopeGrammar() {
    for (String scope : List.of("..", ".", "acme/..", "acme//x", "/acme", "a{b}", "a b", "")) {
      assertThat(rejection(tokens.mint(tokens.spec("alice", "agent").withScope(scope))))
          .as(scope)
          .isEqualTo(Reason.CLAIMS);
    }
    assertThat(
            authenticated(tokens.mint(tokens.spec("alice", "agent").withScope("acme/x-1"))).scope())
        .contains("acme/x-1");
  }

  @Test
  void refusesUnsignedAndHmacTokensWhateverTheirClaims() {
    assertThat(rejection(tokens.algNone("alice"))).isIn(Reason.MALFORMED, Reason.ALGORITHM);
    assertThat(rejection(tokens.hs256WithPublicKeyAsSecret("alice"))).isEqualTo(Reason.ALGORITHM);
  }

  /**
   * A token lives at most {@code auth.maxTokenLifetime} (24 h by default) from its issue time,
   * which may not lie ahead: else a token minted by a trusted key "for ten years", or stamped as
   * issued next year, would outlive every rotation policy.
   */
  @Test
  void refusesATokenIssuedAheadOrLivingLongerThanTheLongestLifetime() {
    Duration longest = JwtSettings.DEFAULT_MAX_LIFETIME;
    Duration year = Duration.ofDays(365);
    assertThat(verdict(t -> t.expirationTime(fromNow(longest)))).isNull();
    assertThat(verdict(t -> t.expirationTime(fromNow(longest.plusSeconds(1)))))
        .isEqualTo(Reason.LIFETIME);
    assertThat(verdict(t -> t.issueTime(null).expirationTime(fromNow(year.multipliedBy(10)))))
        .as("no iat: the lifetime counts from now")
        .isEqualTo(Reason.LIFETIME);
    assertThat(
            verdict(
                t -> t.issueTime(fromNow(year)).expirationTime(fromNow(year.plus(TestTokens.TTL)))))
        .isEqualTo(Reason.NOT_YET_VALID);
    assertThat(verdict(t -> t.issueTime(fromNow(Duration.ofSeconds(29)))))
        .as("within the clock skew")
        .isNull();
    assertThatThrownBy(
            () -> JwtSettings.of(dir, "iss", "aud").withMaxLifetime(Duration.ofDays(367)))
        .hasMessage("auth.maxTokenLifetime 31708800 s is outside 1 min..366 d");
  }

  @Test
  void toleratesTheConfiguredClockSkewAndNoMore() {
    String token = tokens.valid("alice");
    clock.advance(TestTokens.TTL.plusSeconds(29));
    assertThat(authenticated(token).subject()).isEqualTo("alice");
    clock.advance(Duration.ofSeconds(1));
    assertThat(rejection(token)).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void picksUpARotatedKeyWithoutRestartOnceTheCooldownHasPassed() {
    TestTokens next = tokens.rotate();
    String rotated = next.valid("bob", "agent");

    assertThat(rejection(rotated)).isEqualTo(Reason.UNKNOWN_KEY);
    clock.advance(Duration.ofSeconds(1));

    assertThat(authenticated(rotated).subject()).isEqualTo("bob");
    assertThat(authenticated(tokens.valid("alice")).subject()).isEqualTo("alice");
  }

  @Test
  void dropsARemovedKeyAtTheNextRefresh() throws Exception {
    String old = tokens.valid("alice");
    TestTokens replacement = TestTokens.create(Files.createDirectory(dir.resolve("next")), clock);
    Files.copy(replacement.jwksFile(), tokens.jwksFile(), StandardCopyOption.REPLACE_EXISTING);

    assertThat(authenticated(old).subject()).isEqualTo("alice");
    clock.advance(JwtSettings.DEFAULT_JWKS_REFRESH);

    assertThat(rejection(old)).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(authenticated(replacement.valid("carol")).subject()).isEqualTo("carol");
  }

  @Test
  void keepsThePreviousKeysWhenTheFileTurnsInvalid() throws Exception {
    Files.writeString(tokens.jwksFile(), "{ not json");
    clock.advance(JwtSettings.DEFAULT_JWKS_REFRESH);

    assertThat(authenticated(tokens.valid("alice")).subject()).isEqualTo("alice");
  }

  @Test
  void failsToStartWithoutAReadableKeyFile() {
    JwtSettings missing = JwtSettings.of(dir.resolve("absent.json"), "iss", "aud");
    JwtAuthenticator broken = JwtAuthenticator.create(vertx, missing, clock);

    assertThatThrownBy(() -> Await.result(broken.loadKeys()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("absent.json is unreadable or invalid");
  }

  @Test
  void rejectsAlgorithmsOtherThanEllipticCurveAtConfigurationTime() {
    for (String alg : List.of("none", "HS256", "RS256", "PS256", "EdDSA")) {
      assertThatThrownBy(
              () ->
                  new JwtSettings(
                      dir,
                      "iss",
                      "aud",
                      alg,
                      Duration.ZERO,
                      Duration.ofMinutes(1),
                      "roles",
                      JwtSettings.DEFAULT_MAX_LIFETIME))
          .hasMessage(
              "auth.algorithm " + alg + " is not allowed; use one of [ES256, ES384, ES512]");
    }
  }

  @Test
  void roleAccessNeedsOneOfTheRoles() {
    Principal agent = Principal.of("a", Set.of("agent"));
    assertThat(Access.platform("admin", "agent").permits(agent)).isTrue();
    assertThat(Access.platform("admin").permits(agent)).isFalse();
    assertThat(Access.authenticated().permits(agent)).isTrue();
  }

  /** Null if alice's admin token with the times {@code times} sets is accepted, else why not. */
  private Reason verdict(UnaryOperator<JWTClaimsSet.Builder> times) {
    AuthResult result = Await.result(authenticator.authenticate(tokens.withTimes("alice", times)));
    return result instanceof AuthResult.Rejected rejected ? rejected.reason() : null;
  }

  private Date fromNow(Duration later) {
    return Date.from(clock.instant().plus(later));
  }

  private Principal authenticated(String token) {
    AuthResult result = Await.result(authenticator.authenticate(token));
    assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
    return ((AuthResult.Authenticated) result).principal();
  }

  private Reason rejection(String token) {
    AuthResult result = Await.result(authenticator.authenticate(token));
    assertThat(result).isInstanceOf(AuthResult.Rejected.class);
    return ((AuthResult.Rejected) result).reason();
  }
}
