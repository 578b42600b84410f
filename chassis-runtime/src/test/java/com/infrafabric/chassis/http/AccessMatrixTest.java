package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.TokenSpec;
import com.infrafabric.platform.http.RouteDescriptor;
import com.infrafabric.platform.testing.AccessMatrix;
import com.infrafabric.platform.testing.AccessMatrix.Call;
import com.infrafabric.platform.testing.AccessMatrix.Target;
import com.infrafabric.platform.testing.OpenApiOperations;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.StoreDigest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every chassis route against every role, each alone, none and all at once, in every relation of
 * the token's scope (see {@link AccessMatrix}), generated from the service's route table: what
 * every tenant shares (tools, credentials, metrics) needs a platform token; agents act with tenant
 * tokens and reach only the tools their token names. The OpenAPI document lists exactly these
 * routes.
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
    for (String name : List.of("echo", "secret-tool")) {
      assertThat(rig.register(echo, Contracts.forModule(name, echo)).statusCode()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @TestFactory
  Stream<DynamicTest> everyRouteAgainstEveryRoleAndRelation() {
    Target global = Target.global();
    Target own = Target.callersOwn();
    Access operators = Access.platform("operator");
    Access readers = Access.tenant("agent").orPlatform("operator", "publisher");
    return new AccessMatrix(
            rig.service.routes(),
            Set.of("agent", "publisher", "operator"),
            AccessMatrixTest::token,
            () -> StoreDigest.of(rig.redis),
            "acme/team")
        .row("GET /metrics", global, operators, get("/metrics"))
        .row("GET /v1/openapi.json", global, Access.authenticated(), get("/v1/openapi.json"))
        .row("POST /v1/tools", global, Access.platform("publisher"), AccessMatrixTest::newTool)
        .row("GET /v1/tools", own, readers, get("/v1/tools"))
        .row("GET /v1/tools/:name/:version", own, readers, get("/v1/tools/echo/1.0.0"))
        .row(
            "DELETE /v1/tools/:name/:version",
            global,
            operators,
            () -> call("DELETE", "/v1/tools/" + registered() + "/1.0.0", null))
        .row(
            "POST /v1/tools/:name/:version/invocations",
            own,
            Access.tenant("agent"),
            () -> call("POST", "/v1/tools/echo/1.0.0/invocations", INPUT))
        .row(
            "PUT /v1/credentials/:name",
            global,
            operators,
            () -> call("PUT", "/v1/credentials/" + fresh("key"), CREDENTIAL))
        .row("GET /v1/credentials", global, operators, get("/v1/credentials"))
        .row("DELETE /v1/credentials/:name", global, operators, AccessMatrixTest::storedCredential)
        .row(
            "PUT /v1/tenants/:tenant/credentials/:name",
            global,
            operators,
            () -> call("PUT", "/v1/tenants/acme/credentials/" + fresh("key"), CREDENTIAL))
        .row(
            "GET /v1/tenants/:tenant/credentials",
            global,
            operators,
            get("/v1/tenants/acme/credentials"))
        .row(
            "DELETE /v1/tenants/:tenant/credentials/:name",
            global,
            operators,
            AccessMatrixTest::storedTenantCredential)
        .row(
            "POST /v1/credentials/reseal",
            global,
            operators,
            () -> call("POST", "/v1/credentials/reseal", null))
        .row("POST /mcp", own, Access.tenant("agent"), () -> McpCalls.initialize(rig.http))
        .row(
            "GET /mcp",
            own,
            Access.tenant("agent"),
            () -> McpCalls.inSession(rig.http, "GET", AccessMatrixTest::openStreams))
        .row(
            "DELETE /mcp",
            own,
            Access.tenant("agent"),
            () -> McpCalls.inSession(rig.http, "DELETE", AccessMatrixTest::openStreams))
        .anonymous("GET /.well-known/oauth-protected-resource/mcp")
        .tests();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTokens")
  void brokenTokensAreRefused(String kind, String token) {
    for (String path : List.of("/v1/tools", "/v1/credentials", "/metrics")) {
      HttpResponse<String> response = rig.http.get(path, token);
      assertThat(response.statusCode()).as(kind + " " + path).isEqualTo(401);
      assertThat(response.body()).doesNotContain(token);
    }
    HttpResponse<String> invoked = rig.invoke(token, "echo", "1.0.0", "hi");
    assertThat(invoked.statusCode()).as(kind).isEqualTo(401);
  }

  static Stream<Arguments> brokenTokens() {
    return rig.tokens.broken("mallory").entrySet().stream()
        .map(broken -> Arguments.of(broken.getKey(), broken.getValue()));
  }

  @Test
  void aPublisherOrOperatorConfinedToATenantCannotChangeWhatEveryTenantShares() {
    String tenantOperator =
        rig.tokens.mint(rig.tokens.spec("op", "operator", "publisher").withScope("acme"));

    assertThat(
            rig.http
                .send("POST", "/v1/tools", tenantOperator, Map.of(), newToolBody())
                .statusCode())
        .isEqualTo(403);
    assertThat(
            rig.http.send("DELETE", "/v1/tools/echo/1.0.0", tenantOperator, Map.of()).statusCode())
        .isEqualTo(403);
    assertThat(rig.http.get("/v1/credentials", tenantOperator).statusCode()).isEqualTo(403);
    assertThat(rig.http.get("/metrics", tenantOperator).statusCode()).isEqualTo(403);
    assertThat(json(rig.http.get("/v1/tools", tenantOperator)).getString("code"))
        .isEqualTo("FORBIDDEN");
  }

  private static final String INPUT = new JsonObject().put("input", "hi").encode();
  private static final String CREDENTIAL =
      new JsonObject()
          .put("secret", "sk-matrix-1234")
          .put("allow", new JsonArray().add("https://api.example.com:443"))
          .put("header", "authorization")
          .put("scheme", "Bearer")
          .encode();
  private static final AtomicInteger FRESH = new AtomicInteger();

  /** Every matrix token grants the echo tool, so an agent's allowed calls can succeed. */
  private static String token(Set<String> roles, String scope) {
    TokenSpec spec =
        rig.tokens
            .spec("matrix-agent", roles.toArray(String[]::new))
            .withListClaim("tools", List.of("echo@1.0.0"));
    return rig.tokens.mint(scope == null ? spec : spec.withScope(scope));
  }

  private static Supplier<Call> get(String path) {
    return () -> call("GET", path, null);
  }

  private static double openStreams() {
    return rig.meters.find("chassis.mcp.streams.open").gauge().value();
  }

  private static Call call(String method, String path, String body) {
    return token ->
        body == null
            ? rig.http.send(method, path, token, Map.of())
            : rig.http.send(method, path, token, Map.of(), body);
  }

  private static String fresh(String prefix) {
    return prefix + "-" + FRESH.incrementAndGet();
  }

  private static String newToolBody() {
    return ChassisServiceRig.registration(
        echo, Contracts.forModule(fresh("new"), echo).signedBy(TestChassis.PUBLISHER));
  }

  private static Call newTool() {
    return call("POST", "/v1/tools", newToolBody());
  }

  /** A tool registered by the trusted publisher, with a name no other call uses. */
  private static String registered() {
    String name = fresh("doomed");
    assertThat(rig.register(echo, Contracts.forModule(name, echo)).statusCode()).isEqualTo(201);
    return name;
  }

  private static Call storedCredential() {
    return stored("/v1/credentials/" + fresh("stored"));
  }

  private static Call storedTenantCredential() {
    return stored("/v1/tenants/acme/credentials/" + fresh("stored"));
  }

  /** Stores a credential at {@code path} as the operator; the call that deletes it. */
  private static Call stored(String path) {
    HttpResponse<String> stored = rig.http.send("PUT", path, rig.operator(), Map.of(), CREDENTIAL);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    return call("DELETE", path, null);
  }

  @Test
  void theOpenApiDocumentListsExactlyTheServedRoutesAndOnlyTheProbesAreAnonymous() {
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
        .containsExactly(
            "/health/live", "/health/ready", "/.well-known/oauth-protected-resource/mcp");
    assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(rig.http.get("/health/ready", null).statusCode()).isEqualTo(200);
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
        .isEqualTo(
            "This operation acts inside a tenant: it needs a token whose scope claim names the"
                + " subtree it may use.");

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
