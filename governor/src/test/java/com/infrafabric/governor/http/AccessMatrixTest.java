package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.AccessMatrix;
import com.infrafabric.platform.testing.AccessMatrix.Call;
import com.infrafabric.platform.testing.AccessMatrix.Target;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.StoreDigest;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
 * Every governor route against every role, each alone, none and all at once, in every relation to
 * what it names (own subtree, parent, sibling, other tenant, no scope), generated from the
 * service's route table (see {@link AccessMatrix}); then the findings of the review, one by one.
 */
@Timeout(300)
class AccessMatrixTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path directory;

  private static final Set<String> ROLES =
      Set.of("admin", "auditor", "agent", "dispatcher", "chassis");

  /** The one agent that takes the matrix's tasks; every matrix token has its id as subject. */
  private static final String WORKER = "worker";

  private static final AtomicInteger FRESH = new AtomicInteger();

  private static GovernorServiceRig rig;
  private static GatewayFixture gateway;
  private static String tenant;
  private static String project;

  @BeforeAll
  static void start() {
    gateway = new GatewayFixture();
    rig =
        new GovernorServiceRig(
            REDIS.endpoint(),
            directory,
            WebhookSettings.NONE,
            HttpSettings.defaults().withPort(0),
            gateway.settings());
    gateway.sealKeys(rig.redis);
    Await.result(rig.service.pricing().replace(GatewayFixture.prices(), -1));
    tenant = GovernorRig.freshTenant("matrix");
    project = tenant + "/p";
    rig.budget(tenant, "lifetime", 1_000_000_000L);
    rig.budget(project, "lifetime", 1_000_000_000L);
    // The gateway's rows charge the caller's own scope, in every tenant a matrix token names.
    rig.budget("other-" + tenant, "lifetime", 1_000_000_000L);
    register(WORKER, "python", 1_000);
  }

  @AfterAll
  static void stop() {
    rig.close();
    gateway.close();
  }

  @TestFactory
  Stream<DynamicTest> everyRouteAgainstEveryRoleAndRelation() {
    Target global = Target.global();
    Target whole = Target.scope(tenant);
    Target inProject = Target.scope(project);
    Access admins = Access.tenant("admin");
    Access auditors = Access.tenant("admin", "auditor");
    Access settlers = Access.tenant("agent").orPlatform("chassis");
    Access leaseHolders = Access.tenant("dispatcher", "agent");
    String t = "/v1/tenants/" + tenant;
    String agents = "/v1/agents/" + tenant;
    return new AccessMatrix(rig.service.routes(), ROLES, AccessMatrixTest::token, state(), project)
        .row("GET /metrics", global, Access.platform("admin", "auditor"), get("/metrics"))
        .row("GET /v1/openapi.json", global, Access.authenticated(), get("/v1/openapi.json"))
        .row("GET /v1/pricing", global, Access.authenticated(), get("/v1/pricing"))
        .row("PUT /v1/pricing", global, Access.platform("admin"), put("/v1/pricing", pricing()))
        .row(
            "GET /v1/budgets",
            inProject,
            Access.tenant("admin", "auditor", "agent"),
            get("/v1/budgets?scope=" + encode(project)))
        .row(
            "PUT /v1/budgets/:scope",
            Target.below(project),
            admins,
            put(budgetPath(project), cap(10_000)))
        .row(
            "GET /v1/budgets/:scope",
            inProject,
            Access.tenant("admin", "auditor", "agent"),
            get(budgetPath(project)))
        .row(
            "GET /v1/budgets/:scope/status",
            inProject,
            Access.tenant("admin", "auditor", "agent"),
            get(budgetPath(project) + "/status"))
        .row(
            "DELETE /v1/budgets/:scope",
            Target.below(project + "/gone"),
            admins,
            AccessMatrixTest::deletableBudget)
        .row("PUT /v1/tenants/:tenant/zone", whole, admins, put(t + "/zone", zone()))
        .row("PUT /v1/tenants/:tenant/policy", whole, admins, put(t + "/policy", new JsonObject()))
        .row("GET /v1/tenants/:tenant/policy", whole, auditors, get(t + "/policy"))
        .row("GET /v1/tenants/:tenant/cost-waste", whole, auditors, get(t + "/cost-waste"))
        .row("GET /v1/ledger/:tenant", whole, auditors, get("/v1/ledger/" + tenant))
        .row(
            "GET /v1/ledger/:tenant/reconciliation",
            whole,
            auditors,
            get("/v1/ledger/" + tenant + "/reconciliation"))
        .row("GET /v1/events/:tenant", whole, auditors, get("/v1/events/" + tenant))
        .row(
            "POST /v1/reservations",
            inProject,
            settlers,
            post("/v1/reservations", spend().put("grant", rig.grant(project, 1_000_000_000L))))
        .row(
            "GET /v1/reservations",
            inProject,
            auditors,
            get("/v1/reservations?scope=" + encode(project)))
        .hiddenRow(
            "POST /v1/reservations/:id/commit",
            inProject,
            settlers,
            "RESERVATION_NOT_FOUND",
            () -> settledByItsHolder("/commit", new JsonObject().put("amount_micros", 1)))
        .hiddenRow(
            "POST /v1/reservations/:id/release",
            inProject,
            settlers,
            "RESERVATION_NOT_FOUND",
            () -> settledByItsHolder("/release", new JsonObject()))
        .row("POST /v1/charges", inProject, Access.tenant("agent"), post("/v1/charges", spend()))
        .row("POST /v1/claims", inProject, Access.tenant("dispatcher"), AccessMatrixTest::claim)
        .hiddenRow(
            "POST /v1/leases/:lease/heartbeat",
            inProject,
            leaseHolders,
            "TASK_NOT_FOUND",
            () -> post(lease() + "/heartbeat", new JsonObject().put("agent_id", WORKER)).get())
        .hiddenRow(
            "POST /v1/leases/:lease/finish",
            inProject,
            leaseHolders,
            "TASK_NOT_FOUND",
            () -> post(lease() + "/finish", finish()).get())
        .row("POST /v1/agents", whole, admins, AccessMatrixTest::registration)
        .row(
            "GET /v1/agents/:tenant",
            whole,
            Access.tenant("admin", "auditor", "dispatcher"),
            get(agents))
        .row(
            "GET /v1/agents/:tenant/:agent",
            whole,
            Access.tenant("admin", "auditor", "dispatcher"),
            get(agents + "/" + WORKER))
        .row(
            "PUT /v1/agents/:tenant/:agent/status",
            whole,
            admins,
            () -> put(agents + "/" + fresh("m") + "/status", draining()).get())
        .row(
            "DELETE /v1/agents/:tenant/:agent",
            whole,
            admins,
            () -> call("DELETE", agents + "/" + fresh("m"), null))
        .row(
            "POST /llm/openai/v1/chat/completions",
            Target.callersOwn(),
            Access.tenant("agent"),
            post("/llm/openai/v1/chat/completions", llmCall("gpt-test", "max_tokens")))
        .row(
            "POST /llm/openai/v1/embeddings",
            Target.callersOwn(),
            Access.tenant("agent"),
            post(
                "/llm/openai/v1/embeddings",
                new JsonObject().put("model", "emb-test").put("input", "matrix")))
        .row(
            "GET /llm/openai/v1/models",
            Target.callersOwn(),
            Access.tenant("agent"),
            get("/llm/openai/v1/models"))
        .row(
            "POST /llm/anthropic/v1/messages",
            Target.callersOwn(),
            Access.tenant("agent"),
            post("/llm/anthropic/v1/messages", llmCall("claude-test", "max_tokens")))
        .row(
            "POST /v1/agents/:tenant/:agent/breaker-reset",
            whole,
            admins,
            post(agents + "/" + WORKER + "/breaker-reset", new JsonObject()))
        .row("GET /v1/spend", inProject, auditors, get(spendReport()))
        .row("POST /v1/keys", inProject, admins, post("/v1/keys", keySpec()))
        .row("GET /v1/keys", inProject, auditors, get("/v1/keys?scope=" + encode(project)))
        .hiddenRow(
            "GET /v1/keys/:tenant/:id",
            inProject,
            auditors,
            "KEY_NOT_FOUND",
            () -> get(key()).get())
        .hiddenRow(
            "POST /v1/keys/:tenant/:id/rotate",
            inProject,
            admins,
            "KEY_NOT_FOUND",
            () -> post(key() + "/rotate", new JsonObject()).get())
        .hiddenRow(
            "POST /v1/keys/:tenant/:id/expire",
            inProject,
            admins,
            "KEY_NOT_FOUND",
            () -> post(key() + "/expire", new JsonObject()).get())
        .hiddenRow(
            "DELETE /v1/keys/:tenant/:id",
            inProject,
            admins,
            "KEY_NOT_FOUND",
            () -> call("DELETE", key(), null))
        .tests();
  }

  // The review's findings, each as it was reported.

  @Test
  void aDispatcherOfOneSubtreeCannotHeartbeatOrFinishALeaseInAnother() {
    String search = tenant + "/" + fresh("search");
    String billing =
        rig.tokens.mint(rig.tokens.spec("d", "dispatcher").withScope(tenant + "/billing"));
    String lease = claimIn(search);

    HttpResponse<String> beat =
        rig.post(
            "/v1/leases/" + lease + "/heartbeat",
            billing,
            new JsonObject().put("agent_id", WORKER));
    HttpResponse<String> finished =
        rig.post("/v1/leases/" + lease + "/finish", billing, finish().put("amount_micros", 999));

    assertThat(beat.statusCode()).as(beat.body()).isEqualTo(404);
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(404);
    JsonArray layers =
        json(rig.call("GET", budgetPath(search) + "/status", rig.admin(tenant), null))
            .getJsonArray("layers");
    assertThat(layers)
        .filteredOn(layer -> ((JsonObject) layer).getString("scope").equals(search))
        .extracting(layer -> ((JsonObject) layer).getLong("spent_micros"))
        .containsExactly(0L, 0L, 0L);
  }

  @Test
  void anAdminConfinedToATenantCannotReplaceTheGlobalPricingCatalogue() {
    HttpResponse<String> refused = rig.call("PUT", "/v1/pricing", rig.admin(tenant), pricing());

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("message")).contains("needs a platform token");
    assertThat(rig.call("PUT", "/v1/pricing", rig.admin(), pricing()).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsAreForPlatformTokensOnly() {
    rig.post("/v1/charges", rig.agent(project), spend());
    for (String tenantToken : List.of(rig.admin(tenant), rig.auditor(tenant), rig.agent(project))) {
      assertThat(rig.http.get("/metrics", tenantToken).statusCode()).isEqualTo(403);
    }
    assertThat(rig.http.get("/metrics", rig.auditor()).body()).contains("tenant=\"" + tenant);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unscopedRoles")
  void aTokenWithoutAScopeHasNoTenantPowerWhateverItsRoles(String roles) {
    String unscoped = rig.tokens.valid("no-scope", roles.split("\\+"));
    for (String path : List.of("/v1/reservations", "/v1/charges")) {
      assertThat(rig.post(path, unscoped, spend()).statusCode()).as(path).isEqualTo(403);
    }
    assertThat(rig.call("PUT", budgetPath(project), unscoped, cap(1)).statusCode()).isEqualTo(403);
    assertThat(rig.http.get("/v1/ledger/" + tenant, unscoped).statusCode()).isEqualTo(403);
  }

  static Stream<Arguments> unscopedRoles() {
    return Stream.of("agent+auditor", "agent+admin", "admin", "dispatcher+auditor", "agent")
        .map(Arguments::of);
  }

  @Test
  void anAdminRegistersAgentsOnlyInItsOwnTenant() {
    String other = GovernorRig.freshTenant("matrix-other");
    HttpResponse<String> refused =
        rig.call(
            "POST",
            "/v1/agents",
            rig.admin(tenant),
            new JsonObject().put("contract", contract(other, "intruder", "python")));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(rig.http.get("/v1/agents/" + other + "/intruder", rig.admin(other)).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anAgentTokenCannotTouchASiblingScope() {
    String teamA = rig.agent(tenant + "/team-a");
    JsonObject siblingSpend =
        new JsonObject().put("scope", tenant + "/team-b/x").put("amount_micros", 1);
    assertThat(rig.post("/v1/reservations", teamA, siblingSpend).statusCode()).isEqualTo(403);
    assertThat(rig.post("/v1/charges", teamA, siblingSpend).statusCode()).isEqualTo(403);

    String teamB = rig.agent(tenant + "/team-b");
    String rid =
        json(rig.post("/v1/reservations", teamB, siblingSpend)).getString("reservation_id");
    JsonObject one = new JsonObject().put("amount_micros", 1);
    assertThat(rig.post("/v1/reservations/" + rid + "/commit", teamA, one).statusCode())
        .isEqualTo(404);
    assertThat(
            rig.post("/v1/reservations/" + rid + "/release", teamA, new JsonObject()).statusCode())
        .isEqualTo(404);
    assertThat(
            rig.post("/v1/reservations/" + rid + "/release", teamB, new JsonObject()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void theChassisSettlesOnTheScopeOfAnyTenantUnderAGrantButChargesNothingDirectly() {
    String other = GovernorRig.freshTenant("matrix-other");
    rig.budget(other, "lifetime", 1_000);
    String chassis = rig.tokens.valid("chassis-1", "chassis");
    for (String scope : List.of(tenant + "/search/task-1", other + "/task-2")) {
      HttpResponse<String> reserved =
          rig.post(
              "/v1/reservations",
              chassis,
              new JsonObject()
                  .put("scope", scope)
                  .put("amount_micros", 40)
                  .put("grant", rig.grant(scope, 1_000)));
      assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
      String rid = json(reserved).getString("reservation_id");
      HttpResponse<String> committed =
          rig.post(
              "/v1/reservations/" + rid + "/commit",
              chassis,
              new JsonObject().put("amount_micros", 25));
      assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
      assertThat(json(committed).getLong("actual_micros")).isEqualTo(25);
    }
    assertThat(
            rig.post(
                    "/v1/charges",
                    chassis,
                    new JsonObject().put("scope", tenant).put("amount_micros", 1))
                .statusCode())
        .isEqualTo(403);
    String confinedChassis =
        rig.tokens.mint(rig.tokens.spec("chassis-2", "chassis").withScope(other));
    assertThat(rig.post("/v1/reservations", confinedChassis, spend()).statusCode())
        .as("a chassis token with a scope is a tenant token, and chassis is no tenant role")
        .isEqualTo(403);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenTokens")
  void brokenTokensAreRejectedOnTheChargePath(String kind, String token) {
    HttpResponse<String> response = rig.post("/v1/reservations", token, spend());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain(token);
  }

  static Stream<Arguments> brokenTokens() {
    return rig.tokens.broken("mallory").entrySet().stream()
        .map(broken -> Arguments.of(broken.getKey(), broken.getValue()));
  }

  // The matrix's requests.

  private static String token(Set<String> roles, String scope) {
    var spec = rig.tokens.spec(WORKER, roles.toArray(String[]::new));
    return rig.tokens.mint(scope == null ? spec : spec.withScope(scope));
  }

  private static Supplier<String> state() {
    return () -> StoreDigest.of(rig.redis);
  }

  private static Supplier<Call> get(String path) {
    return () -> call("GET", path, null);
  }

  private static Supplier<Call> put(String path, JsonObject body) {
    return () -> call("PUT", path, body);
  }

  private static Supplier<Call> post(String path, JsonObject body) {
    return () -> call("POST", path, body);
  }

  private static Call call(String method, String path, JsonObject body) {
    return token ->
        rig.call(
            method, path, token, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
  }

  /** A one-message model call bounded by {@code bound}. */
  private static JsonObject llmCall(String model, String bound) {
    return new JsonObject()
        .put("model", model)
        .put(bound, 20)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "matrix")));
  }

  private static String budgetPath(String scope) {
    return "/v1/budgets/" + encode(scope);
  }

  private static JsonObject cap(long micros) {
    return new JsonObject()
        .put("limits", new JsonObject().put("day", new JsonObject().put("cap_micros", micros)));
  }

  private static JsonObject spend() {
    return new JsonObject().put("scope", project).put("amount_micros", 1);
  }

  private static JsonObject zone() {
    return new JsonObject().put("zone", "UTC");
  }

  private static JsonObject draining() {
    return new JsonObject().put("status", "draining");
  }

  private static JsonObject finish() {
    return new JsonObject().put("agent_id", WORKER).put("outcome", "succeeded");
  }

  private static JsonObject pricing() {
    List<ModelPrice> prices = new ArrayList<>(GatewayFixture.prices());
    prices.add(new ModelPrice("free-test", 0, 0, 0));
    return new JsonObject().put("models", PricingCatalogues.toJson(prices));
  }

  private static Call deletableBudget() {
    rig.budget(project + "/gone", "day", 10);
    return call("DELETE", budgetPath(project + "/gone"), null);
  }

  /**
   * A commit or release ({@code action}) of a fresh reservation of the project by its holder, as
   * far as the token may reach the route: only a reservation's holder settles it. Every matrix
   * token names the worker as its subject, so a tenant token holds the worker's reservation, a
   * platform token with the chassis role the chassis's; the call is sent on the worker's, then, if
   * another holds it, on the chassis's. The matrix pins who reaches the route; {@link
   * ReservationHolderTest}, who holds what.
   */
  private static Call settledByItsHolder(String action, JsonObject body) {
    String workers = reservation(token(Set.of("agent"), project));
    String chassiss =
        reservation(
            token(Set.of("chassis"), null),
            spend().put("grant", rig.grant(project, 1_000_000_000L)));
    return token -> {
      HttpResponse<String> answer = call("POST", workers + action, body).send(token);
      boolean heldByAnother =
          answer.statusCode() == 409
              && "RESERVATION_HELD_BY_ANOTHER".equals(json(answer).getString("code"));
      return heldByAnother ? call("POST", chassiss + action, body).send(token) : answer;
    };
  }

  private static String reservation(String holder) {
    return reservation(holder, spend());
  }

  private static String reservation(String holder, JsonObject body) {
    HttpResponse<String> reserved = rig.post("/v1/reservations", holder, body);
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    return "/v1/reservations/" + json(reserved).getString("reservation_id");
  }

  private static String spendReport() {
    Instant now = Instant.now();
    return "/v1/spend?scope="
        + encode(project)
        + "&group_by=key,model,day&from="
        + now.minus(Duration.ofHours(1))
        + "&to="
        + now.plus(Duration.ofHours(1));
  }

  private static JsonObject keySpec() {
    return new JsonObject()
        .put("scope", project)
        .put("allowed_models", new JsonArray().add("gpt-test"))
        .put("requests_per_minute", 60)
        .put("tokens_per_minute", 10_000);
  }

  /** A fresh virtual key on the project, created by the tenant's admin; its path. */
  private static String key() {
    HttpResponse<String> created = rig.post("/v1/keys", rig.admin(tenant), keySpec());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return "/v1/keys/" + tenant + "/" + json(created).getString("id");
  }

  private static Call claim() {
    return call("POST", "/v1/claims", task(project));
  }

  /** A fresh task on {@code scope} that {@link #WORKER} qualifies for. */
  private static JsonObject task(String scope) {
    return new JsonObject()
        .put("task_id", fresh("task"))
        .put("scope", scope)
        .put("required", new JsonArray().add("python"))
        .put("max_cost_micros", 10);
  }

  private static String lease() {
    return "/v1/leases/" + claimIn(project);
  }

  /** Claims a fresh task on {@code scope} for {@link #WORKER}; its lease id, URL-encoded. */
  private static String claimIn(String scope) {
    String dispatcher = rig.tokens.mint(rig.tokens.spec("d", "dispatcher").withScope(tenant));
    HttpResponse<String> claimed = rig.post("/v1/claims", dispatcher, task(scope));
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    return json(claimed).getString("lease_id").replace("/", "%2F").replace("#", "%23");
  }

  private static Call registration() {
    return call(
        "POST",
        "/v1/agents",
        new JsonObject().put("contract", contract(tenant, fresh("new"), "matrix-only")));
  }

  /** An agent of {@code tenant} registered by its admin. */
  private static String register(String id, String capability, int slots) {
    HttpResponse<String> registered =
        rig.call(
            "POST",
            "/v1/agents",
            rig.admin(tenant),
            new JsonObject().put("contract", contract(tenant, id, capability, slots)));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    return id;
  }

  private static String fresh(String prefix) {
    String id = prefix + "-" + FRESH.incrementAndGet();
    if (prefix.equals("m")) {
      register(id, "matrix-only", 1);
    }
    return id;
  }

  private static String contract(String tenant, String id, String capability) {
    return contract(tenant, id, capability, 1);
  }

  private static String contract(String tenant, String id, String capability, int slots) {
    return rig.tokens.mint(
        ClaimRig.contract(tenant, id, Map.of(capability, 1), 1, slots)
            .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
  }
}
