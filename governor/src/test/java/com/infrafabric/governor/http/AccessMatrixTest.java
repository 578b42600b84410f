package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.platform.testing.AccessAssertions.assertRoleAnswer;
import static com.infrafabric.platform.testing.AccessAssertions.assertUnauthenticated;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * answer), the others get 403; no token, or a broken one, gets 401 everywhere but liveness.
 */
@Timeout(120)
class AccessMatrixTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final Set<String> ROLES =
      Set.of("admin", "auditor", "agent", "dispatcher", "chassis");

  private static GovernorServiceRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE);
    tenant = GovernorRig.freshTenant("matrix");
    rig.budget(tenant, "lifetime", 1_000_000);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** method, path, body, roles allowed. */
  static Stream<Arguments> endpoints() {
    String scope = encode(tenant + "/p");
    String rid = tenant + ":r" + "0".repeat(32);
    JsonObject budget =
        new JsonObject()
            .put("limits", new JsonObject().put("day", new JsonObject().put("cap_micros", 10)));
    JsonObject spend = new JsonObject().put("scope", tenant + "/p").put("amount_micros", 1);
    JsonObject actual = new JsonObject().put("amount_micros", 1);
    JsonObject claim =
        new JsonObject()
            .put("task_id", "t-1")
            .put("scope", tenant + "/p")
            .put("required", new io.vertx.core.json.JsonArray().add("python"))
            .put("max_cost_micros", 10);
    String lease = tenant + "%2Ft-1%231";
    JsonObject pricing =
        new JsonObject()
            .put("models", new io.vertx.core.json.JsonArray().add(GovernorRig.GPT_TEST_JSON));
    return Stream.of(
        Arguments.of("PUT", "/v1/budgets/" + scope, budget, Set.of("admin")),
        Arguments.of("GET", "/v1/budgets/" + scope, null, Set.of("admin", "auditor", "agent")),
        Arguments.of("DELETE", "/v1/budgets/" + encode(tenant + "/other"), null, Set.of("admin")),
        Arguments.of(
            "GET", "/v1/budgets/" + scope + "/status", null, Set.of("admin", "auditor", "agent")),
        Arguments.of(
            "PUT",
            "/v1/tenants/" + tenant + "/zone",
            new JsonObject().put("zone", "UTC"),
            Set.of("admin")),
        Arguments.of("POST", "/v1/reservations", spend, Set.of("agent", "chassis")),
        Arguments.of(
            "POST", "/v1/reservations/" + rid + "/commit", actual, Set.of("agent", "chassis")),
        Arguments.of(
            "POST",
            "/v1/reservations/" + rid + "/release",
            new JsonObject(),
            Set.of("agent", "chassis")),
        Arguments.of("POST", "/v1/charges", spend, Set.of("agent")),
        Arguments.of("GET", "/v1/ledger/" + tenant, null, Set.of("admin", "auditor")),
        Arguments.of(
            "GET", "/v1/ledger/" + tenant + "/reconciliation", null, Set.of("admin", "auditor")),
        Arguments.of("GET", "/v1/events/" + tenant, null, Set.of("admin", "auditor")),
        Arguments.of("GET", "/v1/pricing", null, ROLES),
        Arguments.of("PUT", "/v1/pricing", pricing, Set.of("admin")),
        Arguments.of("GET", "/v1/openapi.json", null, ROLES),
        Arguments.of("GET", "/health/ready", null, ROLES),
        Arguments.of("GET", "/metrics", null, Set.of("admin", "auditor")),
        Arguments.of("POST", "/v1/agents", new JsonObject().put("contract", "x"), Set.of("admin")),
        Arguments.of(
            "GET", "/v1/agents/" + tenant + "/a-1", null, Set.of("admin", "auditor", "dispatcher")),
        Arguments.of(
            "PUT",
            "/v1/agents/" + tenant + "/a-1/status",
            new JsonObject().put("status", "draining"),
            Set.of("admin")),
        Arguments.of("DELETE", "/v1/agents/" + tenant + "/a-1", null, Set.of("admin")),
        Arguments.of("POST", "/v1/agents/" + tenant + "/a-1/breaker-reset", null, Set.of("admin")),
        Arguments.of("PUT", "/v1/tenants/" + tenant + "/policy", new JsonObject(), Set.of("admin")),
        Arguments.of("GET", "/v1/tenants/" + tenant + "/policy", null, Set.of("admin", "auditor")),
        Arguments.of(
            "GET", "/v1/tenants/" + tenant + "/cost-waste", null, Set.of("admin", "auditor")),
        Arguments.of("POST", "/v1/claims", claim, Set.of("dispatcher")),
        Arguments.of(
            "POST",
            "/v1/leases/" + lease + "/heartbeat",
            new JsonObject(),
            Set.of("agent", "dispatcher")),
        Arguments.of(
            "POST",
            "/v1/leases/" + lease + "/finish",
            new JsonObject().put("outcome", "failed"),
            Set.of("agent", "dispatcher")));
  }

  private static String token(String role) {
    return switch (role) {
      case "agent" -> rig.agent(tenant);
      case "dispatcher" ->
          rig.tokens.mint(rig.tokens.spec("dispatcher-1", "dispatcher").withScope(tenant));
      case "chassis" -> rig.tokens.valid("chassis-1", "chassis");
      case "admin" -> rig.admin();
      default -> rig.auditor();
    };
  }

  private static HttpResponse<String> call(
      String method, String path, JsonObject body, String token) {
    Map<String, String> headers = Map.of("Idempotency-Key", UUID.randomUUID().toString());
    return rig.call(method, path, token, body, headers);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("endpoints")
  void onlyTheAllowedRolesGetThrough(
      String method, String path, JsonObject body, Set<String> allowed) {
    for (String role : ROLES) {
      assertRoleAnswer(role, allowed.contains(role), call(method, path, body, token(role)));
    }
    assertUnauthenticated(call(method, path, body, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTokens")
  void brokenTokensAreRejectedOnTheChargePath(String kind, String token) {
    HttpResponse<String> response =
        call(
            "POST",
            "/v1/reservations",
            new JsonObject().put("scope", tenant + "/p").put("amount_micros", 1),
            token);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain(token);
  }

  static Stream<Arguments> brokenTokens() {
    return rig.tokens.broken("mallory").entrySet().stream()
        .map(broken -> Arguments.of(broken.getKey(), broken.getValue()));
  }

  @Test
  void livenessIsTheOnlyAnonymousRoute() {
    assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(rig.service.routes().stream().filter(r -> r.anonymous()).map(r -> r.path()))
        .containsExactly("/health/live");
  }

  @Test
  void anAgentTokenCannotTouchASiblingScope() {
    String teamA = rig.agent(tenant + "/team-a");
    JsonObject siblingSpend =
        new JsonObject().put("scope", tenant + "/team-b/x").put("amount_micros", 1);
    assertThat(call("POST", "/v1/reservations", siblingSpend, teamA).statusCode()).isEqualTo(403);
    assertThat(call("POST", "/v1/charges", siblingSpend, teamA).statusCode()).isEqualTo(403);
    assertThat(
            call("GET", "/v1/budgets/" + encode(tenant + "/team-b") + "/status", null, teamA)
                .statusCode())
        .isEqualTo(403);

    String teamB = rig.agent(tenant + "/team-b");
    String rid =
        new JsonObject(call("POST", "/v1/reservations", siblingSpend, teamB).body())
            .getString("reservation_id");
    HttpResponse<String> stolenCommit =
        call(
            "POST",
            "/v1/reservations/" + rid + "/commit",
            new JsonObject().put("amount_micros", 1),
            teamA);
    assertThat(stolenCommit.statusCode()).isEqualTo(404);
    assertThat(
            call("POST", "/v1/reservations/" + rid + "/release", new JsonObject(), teamA)
                .statusCode())
        .isEqualTo(404);
    assertThat(
            call("POST", "/v1/reservations/" + rid + "/release", new JsonObject(), teamB)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void theChassisSettlesOnTheScopeOfAnyTenantButChargesNothingDirectly() {
    String other = GovernorRig.freshTenant("matrix-other");
    rig.budget(other, "lifetime", 1_000);
    String chassis = rig.tokens.valid("chassis-1", "chassis");
    for (String scope : List.of(tenant + "/search/task-1", other + "/task-2")) {
      HttpResponse<String> reserved =
          call(
              "POST",
              "/v1/reservations",
              new JsonObject().put("scope", scope).put("amount_micros", 40),
              chassis);
      assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
      String rid = GovernorServiceRig.json(reserved).getString("reservation_id");
      HttpResponse<String> committed =
          call(
              "POST",
              "/v1/reservations/" + rid + "/commit",
              new JsonObject().put("amount_micros", 25),
              chassis);
      assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
      assertThat(GovernorServiceRig.json(committed).getLong("actual_micros")).isEqualTo(25);
    }
    assertThat(
            call(
                    "POST",
                    "/v1/charges",
                    new JsonObject().put("scope", tenant).put("amount_micros", 1),
                    chassis)
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void anAgentTokenWithoutAScopeIsRefused() {
    String unscoped = rig.tokens.valid("agent-x", "agent");
    assertThat(
            call(
                    "POST",
                    "/v1/charges",
                    new JsonObject().put("scope", tenant).put("amount_micros", 1),
                    unscoped)
                .statusCode())
        .isEqualTo(403);
  }
}
