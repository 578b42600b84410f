package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.testing.RawConnection;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class AuthenticationRoutesTest {

  @TempDir Path dir;
  private ServiceFixture fixture;

  @BeforeEach
  void start() {
    fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder.routes(
                    routes ->
                        routes
                            .get(
                                "/v1/whoami",
                                Access.authenticated(),
                                AuthenticationRoutesTest::whoami)
                            .post("/v1/admin", Access.platform("admin"), ctx -> ctx.end("done"))
                            .post(
                                "/v1/tenant-admin",
                                Access.tenant("admin"),
                                ctx -> ctx.end("done"))));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void probesAreTheOnlyAnonymousRoutes() {
    HttpResponse<String> live = fixture.client.get("/health/live", null);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(live.body()).getString("status")).isEqualTo("UP");

    for (String path : List.of("/metrics", "/v1/whoami")) {
      assertError(fixture.client.get(path, null), 401, "UNAUTHENTICATED");
    }
    assertThat(fixture.service.routes())
        .filteredOn(RouteDescriptor::anonymous)
        .extracting(RouteDescriptor::path)
        .containsExactly("/health/live", "/health/ready");
  }

  /** Monitoring tools probe with HEAD; it was refused with a 405. */
  @Test
  void probesAnswerHeadLikeGetWithoutTheBody() {
    for (String path : List.of("/health/live", "/health/ready")) {
      try (RawConnection connection = RawConnection.open(fixture.service.port())) {
        connection.send("HEAD " + path + " HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        String answer = connection.untilClosed();

        assertThat(answer)
            .as(path)
            .startsWith("HTTP/1.1 200")
            .containsIgnoringCase("content-type: application/json")
            .endsWith("\r\n\r\n");
      }
    }
  }

  @Test
  void refusesEveryBadTokenWith401AndABearerChallengeWithoutEchoingIt() {
    var tokens = fixture.tokens;
    List<String> bad =
        List.of(
            tokens.forged("alice"),
            tokens.expired("alice"),
            tokens.notYetValid("alice"),
            tokens.wrongIssuer("alice"),
            tokens.wrongAudience("alice"),
            tokens.algNone("alice"),
            tokens.hs256WithPublicKeyAsSecret("alice"),
            tokens.missingKid("alice"),
            tokens.unknownKid("alice"),
            tokens.wrongKey("alice"),
            "garbage");
    for (String token : bad) {
      HttpResponse<String> response = fixture.client.get("/v1/whoami", token);
      assertError(response, 401, "UNAUTHENTICATED");
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(
              challenge ->
                  assertThat(challenge)
                      .startsWith("Bearer error=\"invalid_token\", error_description=\"")
                      .doesNotContain(token));
      assertThat(response.body()).doesNotContain(token);
    }
  }

  @Test
  void givesTheHandlerTheVerifiedPrincipal() {
    String token = fixture.tokens.mint(fixture.tokens.spec("alice", "agent").withScope("team-a"));

    HttpResponse<String> response = fixture.client.get("/v1/whoami", token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getMap())
        .containsEntry("subject", "alice")
        .containsEntry("scope", "team-a");
  }

  @Test
  void acceptsTheBearerSchemeInAnyCase() {
    String token = fixture.tokens.valid("alice");
    HttpResponse<String> response =
        fixture.client.send("GET", "/v1/whoami", null, Map.of("Authorization", "bEaReR " + token));
    assertThat(response.statusCode()).isEqualTo(200);
  }

  /**
   * Two Authorization headers, each a valid token: which one the request acts as would be the
   * server's guess (it took the first), so it acts as neither, and says why in the message; the
   * same token sent twice is that token.
   */
  @Test
  void twoCredentialsAreRefusedNotGuessedBetween() {
    String alice = fixture.tokens.valid("alice");
    String bob = fixture.tokens.valid("bob");

    String refused = whoami(alice, bob);
    String same = whoami(alice, alice);

    assertThat(refused)
        .startsWith("HTTP/1.1 401 ")
        .contains("\"reason\":\"ambiguous\"")
        .contains("A valid credential is required: the request carries two different credentials")
        .doesNotContain("alice");
    assertThat(same).startsWith("HTTP/1.1 200 ").contains("alice");
  }

  /** The answer to {@code GET /v1/whoami} sent with each of {@code tokens} in an Authorization. */
  private String whoami(String... tokens) {
    StringBuilder request = new StringBuilder("GET /v1/whoami HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    for (String token : tokens) {
      request.append("authorization: Bearer ").append(token).append("\r\n");
    }
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(request.append("connection: close\r\n\r\n").toString());
      return connection.untilClosed();
    }
  }

  /**
   * Each refused credential costs its sender a connection: of two requests pipelined on one
   * connection with a wrong token, the first is answered 401 and the connection closes, so guesses
   * cannot be poured down a kept-alive connection, each costing the service a lookup.
   */
  @Test
  void aRefusedCredentialEndsItsConnection() {
    String guess =
        "GET /v1/whoami HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer nope\r\n\r\n";
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(guess + guess);
      String answered = connection.untilClosed();

      assertThat(answered).startsWith("HTTP/1.1 401");
      assertThat(answered.split("HTTP/1.1 ", -1)).as("one answer").hasSize(2);
    }
    assertThat(fixture.client.get("/v1/whoami", fixture.tokens.valid("alice")).statusCode())
        .isEqualTo(200);
  }

  /**
   * Regression: challenges did not say what was wrong with the token (RFC 6750, section 3.1): a 401
   * for an expired or forged token was a bare {@code Bearer}, without {@code
   * error="invalid_token"}, and a 403 for a token without the route's role carried no {@code
   * WWW-Authenticate} at all, so a client could not tell a token to refresh from one to replace.
   * Every refusal of a token now says which, with a fixed description and never any part of the
   * token; a request without one is only challenged, as section 3.1 asks.
   */
  @Test
  void everyRefusalOfATokenSaysWhyInItsChallenge() {
    String expired = fixture.tokens.expired("alice");
    HttpResponse<String> refused = fixture.client.get("/v1/whoami", expired);
    assertError(refused, 401, "UNAUTHENTICATED");
    assertThat(refused.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\", error_description=\"the token has expired\"");

    String forged = fixture.tokens.forged("alice");
    assertThat(fixture.client.get("/v1/whoami", forged).headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            challenge ->
                assertThat(challenge)
                    .startsWith("Bearer error=\"invalid_token\"")
                    .doesNotContain(forged)
                    .doesNotContain(forged.substring(forged.lastIndexOf('.') + 1)));

    assertThat(fixture.client.get("/v1/whoami", null).headers().firstValue("WWW-Authenticate"))
        .as("no credential, no error")
        .contains("Bearer");

    HttpResponse<String> forbidden =
        fixture.client.post("/v1/admin", fixture.tokens.valid("bob", "agent"), null, "");
    assertError(forbidden, 403, "FORBIDDEN");
    assertThat(forbidden.headers().firstValue("WWW-Authenticate"))
        .contains(
            "Bearer error=\"insufficient_scope\", error_description=\"the token does not carry a"
                + " role this operation needs\"");
    assertThat(fixture.client.get("/v1/whoami", fixture.tokens.valid("bob")).headers().map())
        .doesNotContainKey("www-authenticate");
  }

  @Test
  void enforcesRolesWith403() {
    HttpResponse<String> agent =
        fixture.client.post("/v1/admin", fixture.tokens.valid("bob", "agent"), null, "");
    JsonObject body = assertError(agent, 403, "FORBIDDEN");
    assertThat(body.getJsonObject("details").getJsonArray("platformRoles"))
        .containsExactly("admin");
    assertThat(body.getJsonObject("details").getJsonArray("tenantRoles")).isEmpty();

    HttpResponse<String> admin =
        fixture.client.post("/v1/admin", fixture.tokens.valid("root", "admin"), null, "");
    assertThat(admin.statusCode()).isEqualTo(200);
  }

  @Test
  void aRoleGrantsARouteOnlyOnTheKindOfTokenTheRouteNamesItFor() {
    String tenantAdmin = fixture.tokens.mint(fixture.tokens.spec("t", "admin").withScope("acme"));
    String platformAdmin = fixture.tokens.valid("root", "admin");

    JsonObject confined =
        assertError(fixture.client.post("/v1/admin", tenantAdmin, null, ""), 403, "FORBIDDEN");
    assertThat(confined.getString("message")).contains("needs a platform token");
    JsonObject unscoped =
        assertError(
            fixture.client.post("/v1/tenant-admin", platformAdmin, null, ""), 403, "FORBIDDEN");
    assertThat(unscoped.getString("message")).contains("scope claim");
    assertThat(fixture.client.post("/v1/tenant-admin", tenantAdmin, null, "").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aScopeClaimThatIsNotAStringMakesTheTokenInvalid() {
    String listScope =
        fixture.tokens.mint(
            fixture.tokens.spec("root", "admin").withListClaim("scope", List.of("acme")));

    assertError(fixture.client.post("/v1/admin", listScope, null, ""), 401, "UNAUTHENTICATED");
  }

  @Test
  void picksUpARotatedKeyWithoutRestart() {
    var rotated = fixture.tokens.rotate();
    fixture.clock.advance(java.time.Duration.ofSeconds(2));

    HttpResponse<String> response = fixture.client.get("/v1/whoami", rotated.valid("carol"));

    assertThat(response.statusCode()).isEqualTo(200);
  }

  private static void whoami(io.vertx.ext.web.RoutingContext ctx) {
    Principal principal = Requests.principal(ctx);
    ctx.json(
        new JsonObject()
            .put("subject", principal.subject())
            .put("scope", principal.scope().orElse(null)));
  }
}
