package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static com.infrafabric.platform.testing.AccessAssertions.assertRoleAnswer;
import static com.infrafabric.platform.testing.AccessAssertions.assertUnauthenticated;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint against every role: allowed roles get past authorisation (whatever the business
 * answer), the others get 403; no token, or a broken one, gets 401 everywhere but liveness. Agents
 * reach only the tools their token names. The OpenAPI document lists exactly these endpoints.
 */
@Timeout(120)
class AccessMatrixTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static ChassisServiceRig rig;
  private static byte[] echo;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
    echo = Guests.wat(Guests.ECHO);
    for (String name : List.of("echo", "secret-tool", "doomed")) {
      assertThat(rig.register(echo, Contracts.forModule(name, echo)).statusCode()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** method, path, body, roles allowed. */
  static Stream<Arguments> endpoints() {
    String registration =
        ChassisServiceRig.registration(
            echo, Contracts.forModule("echo", echo).signedBy(TestChassis.PUBLISHER));
    String input = new JsonObject().put("input", "hi").encode();
    String credential =
        new JsonObject()
            .put("secret", "sk-matrix-1234")
            .put("allow", new JsonArray().add("https://api.example.com:443"))
            .put("header", "authorization")
            .put("scheme", "Bearer")
            .encode();
    Set<String> readers = Set.of("operator", "publisher", "agent");
    Set<String> operator = Set.of("operator");
    return Stream.of(
        Arguments.of("POST", "/v1/tools", registration, Set.of("publisher")),
        Arguments.of("GET", "/v1/tools", null, readers),
        Arguments.of("GET", "/v1/tools/echo/1.0.0", null, readers),
        Arguments.of("DELETE", "/v1/tools/doomed/1.0.0", null, operator),
        Arguments.of("POST", "/v1/tools/echo/1.0.0/invocations", input, Set.of("agent")),
        Arguments.of("GET", "/v1/openapi.json", null, readers),
        Arguments.of("GET", "/health/ready", null, readers),
        Arguments.of("PUT", "/v1/credentials/search-key", credential, operator),
        Arguments.of("GET", "/v1/credentials", null, operator),
        Arguments.of("DELETE", "/v1/credentials/unknown-key", null, operator),
        Arguments.of("POST", "/v1/credentials/reseal", null, operator),
        Arguments.of("GET", "/metrics", null, operator));
  }

  private static String token(String role) {
    return switch (role) {
      case "publisher" -> rig.publisher();
      case "operator" -> rig.operator();
      default -> rig.agent("acme", "echo@1.0.0");
    };
  }

  private static HttpResponse<String> call(String method, String path, String body, String token) {
    return body == null
        ? rig.http.send(method, path, token, Map.of())
        : rig.http.send(method, path, token, Map.of(), body);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("endpoints")
  void onlyTheAllowedRolesGetThrough(String method, String path, String body, Set<String> allowed) {
    for (String role : List.of("agent", "publisher", "operator")) {
      assertRoleAnswer(role, allowed.contains(role), call(method, path, body, token(role)));
    }
    assertUnauthenticated(call(method, path, body, null));
  }

  @Test
  void brokenTokensAreRefusedOnEveryRouteButLiveness() {
    Map<String, String> broken = rig.tokens.broken("mallory");
    endpoints()
        .map(Arguments::get)
        .forEach(
            endpoint ->
                broken.forEach(
                    (kind, token) -> {
                      HttpResponse<String> response =
                          call(
                              (String) endpoint[0],
                              (String) endpoint[1],
                              (String) endpoint[2],
                              token);
                      assertThat(response.statusCode()).as(kind + " " + endpoint[1]).isEqualTo(401);
                      assertThat(response.body()).doesNotContain(token);
                    }));
  }

  @Test
  void theOpenApiDocumentListsExactlyTheServedRoutesAndOnlyLivenessIsAnonymous() {
    JsonObject document = json(rig.http.get("/v1/openapi.json", rig.agent("acme")));
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    assertThat(OpenApiOperations.documented(document))
        .isEqualTo(OpenApiOperations.served(rig.service.routes()))
        .contains(
            "POST /v1/tools/{name}/{version}/invocations",
            "PUT /v1/credentials/{name}",
            "GET /health/live");
    assertThat(rig.service.routes())
        .filteredOn(RouteDescriptor::anonymous)
        .extracting(RouteDescriptor::path)
        .containsExactly("/health/live");
    assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theOpenApiDocumentNamesEveryOutcomeAndTheGrantHeader() {
    JsonObject document = json(rig.http.get("/v1/openapi.json", rig.operator()));
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    assertThat(
            schemas
                .getJsonObject("Invocation")
                .getJsonObject("properties")
                .getJsonObject("outcome")
                .getJsonArray("enum"))
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(Outcome.values()).map(Outcome::name).toList());
    JsonObject invoke =
        document
            .getJsonObject("paths")
            .getJsonObject("/v1/tools/{name}/{version}/invocations")
            .getJsonObject("post");
    JsonObject parameters = document.getJsonObject("components").getJsonObject("parameters");
    assertThat(invoke.getJsonArray("parameters"))
        .extracting(
            parameter -> {
              String ref = ((JsonObject) parameter).getString("$ref");
              return parameters.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
            })
        .extracting(parameter -> parameter.getString("in") + " " + parameter.getString("name"))
        .containsExactly("header " + InvocationRoutes.GRANT_HEADER);
  }

  @Test
  void anAgentReachesOnlyTheToolsItsTokenNames() {
    String agent = rig.agent("acme", "echo@1.0.0");

    HttpResponse<String> invoked = rig.invoke(agent, "secret-tool", "1.0.0", "hi");
    assertThat(invoked.statusCode()).isEqualTo(403);
    assertThat(json(invoked).getString("code")).isEqualTo("TOOL_NOT_GRANTED");
    assertThat(json(invoked).getJsonObject("details").getString("tool"))
        .isEqualTo("secret-tool@1.0.0");
    assertThat(rig.invoke(agent, "echo", "2.0.0", "hi").statusCode())
        .as("a name@version grant covers that version only")
        .isEqualTo(403);
    assertThat(rig.http.get("/v1/tools/secret-tool/1.0.0", agent).statusCode()).isEqualTo(403);
    assertThat(json(rig.http.get("/v1/tools", agent)).getJsonArray("tools"))
        .extracting(tool -> ((JsonObject) tool).getString("ref"))
        .containsExactly("echo@1.0.0");
    assertThat(rig.invoke(agent, "echo", "1.0.0", "hi").statusCode()).isEqualTo(200);
    assertThat(rig.http.get("/metrics", rig.operator()).body())
        .containsPattern("chassis_invocations_not_granted_total [1-9]");
  }

  @Test
  void anAgentTokenWithoutToolsOrTenantInvokesNothing() {
    String noTools = rig.tokens.mint(rig.tokens.spec("agent-x", "agent").withScope("acme"));
    assertThat(rig.invoke(noTools, "echo", "1.0.0", "hi").statusCode()).isEqualTo(403);
    assertThat(json(rig.http.get("/v1/tools", noTools)).getJsonArray("tools")).isEmpty();

    String noTenant =
        rig.tokens.mint(
            rig.tokens.spec("agent-y", "agent").withListClaim("tools", List.of("echo")));
    HttpResponse<String> refused = rig.invoke(noTenant, "echo", "1.0.0", "hi");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("message"))
        .isEqualTo("An agent token must name its tenant as the first segment of its scope.");

    String oddSubject = echoAgent("agent with spaces", "acme");
    assertThat(json(rig.invoke(oddSubject, "echo", "1.0.0", "hi")).getString("message"))
        .isEqualTo(
            "The token's subject must be 1-64 characters of A-Z a-z 0-9 _ - starting with a"
                + " letter or digit.");
  }

  @Test
  void aTenantTheGovernorsScopeGrammarRejectsIsRejectedHereToo() {
    for (String scope : List.of("..", ".", "../acme", "a.b", "acme/..", "{acme}")) {
      String token = echoAgent("agent-z", scope);
      assertThat(rig.invoke(token, "echo", "1.0.0", "hi").statusCode()).as(scope).isEqualTo(401);
    }
    assertThat(rig.invoke(echoAgent("..", "acme"), "echo", "1.0.0", "hi").statusCode())
        .isEqualTo(403);
  }

  /** An agent token for {@code subject} in {@code scope} that may invoke echo. */
  private static String echoAgent(String subject, String scope) {
    return rig.tokens.mint(
        rig.tokens.spec(subject, "agent").withScope(scope).withListClaim("tools", List.of("echo")));
  }
}
