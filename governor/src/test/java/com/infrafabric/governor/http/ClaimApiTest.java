package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.service.TrustSettings;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.JwtSettings;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.TestTokens;
import com.infrafabric.wire.grant.Grant;
import com.infrafabric.wire.grant.GrantCheck;
import com.infrafabric.wire.grant.GrantTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The claim path as a dispatcher and an agent use it over HTTP. */
@Timeout(60)
class ClaimApiTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  private static String contract(String tenant, String agent, long cost) {
    return rig.tokens.mint(
        ClaimRig.contract(tenant, agent, Map.of("python", 2, "search", 1), cost, 1)
            .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
  }

  private static String dispatcher(String scope) {
    return rig.tokens.mint(rig.tokens.spec("dispatcher-1", "dispatcher").withScope(scope));
  }

  /**
   * A fresh tenant with a lifetime budget and one active agent, {@code coder} (python:2, search:1).
   */
  private static String tenantWithCoder(String name) {
    String t = GovernorRig.freshTenant(name);
    rig.budget(t, "lifetime", 1_000_000);
    HttpResponse<String> registered =
        rig.call(
            "POST",
            "/v1/agents",
            rig.admin(t),
            new JsonObject().put("contract", contract(t, "coder", 2_000)));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    assertThat(json(registered).getString("status")).isEqualTo("active");
    return t;
  }

  /**
   * Task {@code t-1} of {@code t}'s project, for python:2, within 5,000 micros, with {@code grant}.
   */
  private static JsonObject pythonTask(String t, JsonObject grant) {
    return new JsonObject()
        .put("task_id", "t-1")
        .put("scope", t + "/proj/t-1")
        .put("required", new JsonArray().add("python:2"))
        .put("max_cost_micros", 5_000)
        .put("grant", grant);
  }

  /**
   * A retried claim must ask for the grant it asked for: the same key with other grant terms is a
   * conflict, where it was once answered with a grant of the new terms under the same lease and id
   * (two valid grants of one jti, the second with a thousand uses). The lists' order is not a term.
   */
  @Test
  void aRetriedClaimAskingForOtherGrantTermsIsAConflict() {
    String t = tenantWithCoder("claim-regrant");
    JsonObject grant =
        new JsonObject()
            .put("capabilities", new JsonArray().add("llm").add("http"))
            .put("max_invocations", 1);
    JsonObject task = pythonTask(t, grant);
    Map<String, String> key = Map.of("Idempotency-Key", "claim-once-" + t);
    HttpResponse<String> first =
        rig.http.send("POST", "/v1/claims", dispatcher(t), key, task.encode());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);

    JsonObject reordered = grant.copy().put("capabilities", new JsonArray().add("http").add("llm"));
    HttpResponse<String> retry =
        rig.http.send(
            "POST", "/v1/claims", dispatcher(t), key, task.copy().put("grant", reordered).encode());
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(json(retry).getString("lease_id")).isEqualTo(json(first).getString("lease_id"));

    for (JsonObject other :
        List.of(
            grant.copy().put("max_invocations", 1000),
            grant.copy().put("capabilities", new JsonArray().add("llm")),
            grant.copy().put("credentials", new JsonArray().add("tok")))) {
      HttpResponse<String> widened =
          rig.http.send(
              "POST", "/v1/claims", dispatcher(t), key, task.copy().put("grant", other).encode());
      assertThat(widened.statusCode()).as(widened.body()).isEqualTo(409);
      assertThat(json(widened).getString("code")).isEqualTo("IDEMPOTENCY_CONFLICT");
    }
  }

  @Test
  void aDispatcherClaimsATaskAndGetsTheOwnersGrantWhichTheAgentThenFinishes() {
    String t = tenantWithCoder("claim-api");

    String digest = "ab".repeat(32);
    JsonObject task =
        pythonTask(
            t,
            new JsonObject()
                .put("tools", new JsonArray().add(digest))
                .put("capabilities", new JsonArray().add("llm").add("http"))
                .put("max_invocations", 3));
    HttpResponse<String> claimed = rig.post("/v1/claims", dispatcher(t), task);
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    JsonObject claim = json(claimed);
    assertThat(claim.getString("agent_id")).isEqualTo("coder");
    assertThat(claim.getLong("reserved_micros")).isEqualTo(2_000);

    JwtAuthenticator chassis =
        JwtAuthenticator.create(
            rig.vertx,
            JwtSettings.of(
                GOVERNOR.directory().resolve("grant-jwks.json"),
                TrustSettings.DEFAULT_GRANT_ISSUER,
                TrustSettings.DEFAULT_GRANT_AUDIENCE),
            rig.clock);
    GrantCheck check = Await.result(GrantTokens.verify(chassis, claim.getString("grant")));
    assertThat(check).isInstanceOf(GrantCheck.Valid.class);
    Grant grant = ((GrantCheck.Valid) check).grant();
    assertThat(grant.agent()).isEqualTo("coder");
    assertThat(grant.task()).isEqualTo(claim.getString("lease_id"));
    assertThat(grant.budgetScope()).isEqualTo(t + "/proj/t-1");
    assertThat(grant.toolDigests()).containsExactly(digest);
    assertThat(grant.models()).containsExactly("gpt-test");
    assertThat(grant.costCapMicros()).isEqualTo(5_000);
    assertThat(grant.maxUses()).isEqualTo(3);

    HttpResponse<String> second = rig.post("/v1/claims", dispatcher(t), task);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(json(second).getJsonObject("details").getString("reason"))
        .isEqualTo("task_already_owned");

    String lease = claim.getString("lease_id").replace("/", "%2F").replace("#", "%23");
    String agent = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));
    HttpResponse<String> stranger =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            rig.tokens.mint(rig.tokens.spec("intruder", "agent").withScope(t)),
            new JsonObject().put("outcome", "succeeded"));
    assertThat(stranger.statusCode()).as(stranger.body()).isEqualTo(403);

    // Outcomes are the schema's lower-case names, as every other enum on the wire.
    HttpResponse<String> shouted =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            agent,
            new JsonObject().put("outcome", "SUCCEEDED").put("amount_micros", 1_500));
    assertThat(shouted.statusCode()).as(shouted.body()).isEqualTo(400);

    HttpResponse<String> finished =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            agent,
            new JsonObject()
                .put("outcome", "succeeded")
                .put("amount_micros", 1_500)
                .put("latency_ms", 800));
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    assertThat(json(finished).getLong("released_micros")).isEqualTo(500);

    JsonObject waste =
        json(rig.call("GET", "/v1/tenants/" + t + "/cost-waste", rig.auditor(t), null));
    assertThat(waste.getLong("total_micros")).isEqualTo(1_500);
    assertThat(waste.getLong("wasted_micros")).isZero();
  }

  /**
   * A claim's hold is its lease's: another agent of the subtree can neither commit nor release it
   * through the reservations API (which would leave the holder's real spend unrecordable and the
   * task held by a lease whose money is gone); the holder's finish settles it.
   */
  @Test
  void aClaimsHoldIsSettledOnlyByItsLeasesFinish() {
    String t = tenantWithCoder("held");
    JsonObject claim =
        json(
            rig.post(
                "/v1/claims",
                dispatcher(t),
                new JsonObject()
                    .put("task_id", "t-held")
                    .put("scope", t + "/p")
                    .put("required", new JsonArray().add("python:2"))
                    .put("max_cost_micros", 5_000)));
    String reservation = claim.getString("reservation_id");
    String bystander = rig.tokens.mint(rig.tokens.spec("bystander", "agent").withScope(t));

    for (String action : List.of("commit", "release")) {
      HttpResponse<String> refused =
          rig.post(
              "/v1/reservations/" + reservation + "/" + action,
              bystander,
              action.equals("commit") ? new JsonObject().put("amount_micros", 1) : null);
      assertThat(refused.statusCode()).as(action + " " + refused.body()).isEqualTo(409);
      assertThat(json(refused).getString("code")).isEqualTo("RESERVATION_HELD_BY_LEASE");
    }
    String lease = claim.getString("lease_id").replace("/", "%2F").replace("#", "%23");
    String coder = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));
    // Token counts without the model they were spent on cannot be priced: refused, not zero.
    HttpResponse<String> unpriced =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            coder,
            new JsonObject()
                .put("outcome", "succeeded")
                .put("input_tokens", 1_000)
                .put("output_tokens", 1_000));
    assertThat(unpriced.statusCode()).as(unpriced.body()).isEqualTo(400);
    assertThat(json(unpriced).getJsonObject("details").getString("field")).isEqualTo("model");
    HttpResponse<String> finished =
        rig.post(
            "/v1/leases/" + lease + "/finish",
            coder,
            new JsonObject().put("outcome", "succeeded").put("amount_micros", 1_500));
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    assertThat(json(finished).getLong("actual_micros")).isEqualTo(1_500);
    // Regression: no latency_ms was read as 0 ms, on time; unreported, a success counts as late.
    assertThat(json(finished).getInteger("reputation_ppm")).isEqualTo(500_000);
    // An admin sees what the finish did to the agent in the task's subtree, p.
    HttpResponse<String> agent = rig.call("GET", "/v1/agents/" + t + "/coder", rig.admin(t), null);
    assertThat(json(agent).getJsonArray("subtrees").encode())
        .isEqualTo(
            "[{\"subtree\":\"p\",\"breaker\":\"closed\",\"consecutive_failures\":0,"
                + "\"reputation_ppm\":500000}]");
  }

  /**
   * A claim on a scope no budget covers is refused naming that scope, never the task id (the claim
   * path once handed its task id to the budget's refusals as their subject: "no budget is defined
   * on t-9"); a tenant that has budgets elsewhere and one that has none at all alike.
   */
  @Test
  void aClaimOnAScopeWithoutABudgetNamesTheScopeNotTheTask() {
    String budgeted = GovernorRig.freshTenant("claim-nobudget");
    rig.budget(budgeted + "/y", "lifetime", 1_000);
    for (String t : List.of(budgeted, GovernorRig.freshTenant("claim-notenant"))) {
      String scope = t + "/nob2/x";
      HttpResponse<String> refused =
          rig.post(
              "/v1/claims",
              dispatcher(t),
              new JsonObject()
                  .put("task_id", "zz-task-9")
                  .put("scope", scope)
                  .put("required", new JsonArray().add("py"))
                  .put("max_cost_micros", 1_000));

      JsonObject error =
          assertError(refused, 422, "SCOPE_UNKNOWN", "no budget is defined on " + scope + " ");
      assertThat(error.getJsonObject("details").getString("scope")).isEqualTo(scope);
      assertThat(refused.body()).doesNotContain("zz-task-9");
    }
  }

  /**
   * A heartbeat's or a finish's refusal names the lease it was called on: one that does not exist,
   * one held by another agent, one already ended.
   */
  @Test
  void aLeaseRefusalNamesTheLease() {
    String t = tenantWithCoder("lease-named");
    JsonObject claim = json(rig.post("/v1/claims", dispatcher(t), pythonTask(t, null)));
    String lease = claim.getString("lease_id");
    String coder = rig.tokens.mint(rig.tokens.spec("coder", "agent").withScope(t));
    String stranger = rig.tokens.mint(rig.tokens.spec("intruder", "agent").withScope(t));
    JsonObject succeeded = new JsonObject().put("outcome", "succeeded").put("amount_micros", 1);
    String missing = t + "/t-1#2";

    assertError(
        rig.post(leasePath(missing, "heartbeat"), coder, new JsonObject()),
        404,
        "TASK_NOT_FOUND",
        "lease " + missing + " does not exist");
    assertError(
        rig.post(leasePath(missing, "finish"), coder, succeeded),
        404,
        "TASK_NOT_FOUND",
        "lease " + missing + " does not exist");
    for (String action : List.of("heartbeat", "finish")) {
      assertError(
          rig.post(
              leasePath(lease, action),
              stranger,
              action.equals("finish") ? succeeded : new JsonObject()),
          403,
          "LEASE_NOT_HELD",
          "lease " + lease + " is held by another agent");
    }
    assertThat(rig.post(leasePath(lease, "finish"), coder, succeeded).statusCode()).isEqualTo(200);
    assertError(
        rig.post(leasePath(lease, "finish"), coder, succeeded),
        409,
        "LEASE_ENDED",
        "lease " + lease + " already ended");
    assertError(
        rig.post(leasePath(lease, "heartbeat"), coder, new JsonObject()),
        409,
        "LEASE_ENDED",
        "lease " + lease + " already ended");
  }

  private static String leasePath(String lease, String action) {
    return "/v1/leases/" + lease.replace("/", "%2F").replace("#", "%23") + "/" + action;
  }

  @Test
  void aClaimNobodyQualifiesForSaysWhy() {
    String t = tenantWithCoder("nobody");

    HttpResponse<String> refused =
        rig.post(
            "/v1/claims",
            dispatcher(t),
            new JsonObject()
                .put("task_id", "t-2")
                .put("scope", t + "/t-2")
                .put("required", new JsonArray().add("rust").add("go"))
                .put("max_cost_micros", 5_000));

    assertThat(refused.statusCode()).isEqualTo(409);
    JsonObject details = json(refused).getJsonObject("details");
    assertThat(details.getString("reason")).isEqualTo("no_capability_match");
    assertThat(details.getBoolean("escalated")).isTrue();
  }

  /**
   * Task ids are the tenant's; a dispatcher of one subtree whose id is taken in a sibling's is
   * refused without learning the sibling's scope, while one whose subtree holds both is told.
   */
  @Test
  void aTaskIdTakenOutsideTheDispatchersSubtreeIsRefusedWithoutNamingItsScope() {
    String t = tenantWithCoder("sibling");
    JsonObject hidden =
        new JsonObject()
            .put("task_id", "shared-id")
            .put("scope", t + "/secret-team/launch-plan")
            .put("required", new JsonArray().add("python:2"))
            .put("max_cost_micros", 5_000);
    assertThat(rig.post("/v1/claims", dispatcher(t + "/secret-team"), hidden).statusCode())
        .isEqualTo(201);

    JsonObject mine = hidden.copy().put("scope", t + "/other-team/x");
    HttpResponse<String> sibling = rig.post("/v1/claims", dispatcher(t + "/other-team"), mine);
    HttpResponse<String> parent = rig.post("/v1/claims", dispatcher(t), mine);

    assertThat(sibling.statusCode()).as(sibling.body()).isEqualTo(409);
    assertThat(json(sibling).getString("code")).isEqualTo("TASK_SCOPE_CONFLICT");
    assertThat(sibling.body()).doesNotContain("secret-team").doesNotContain("launch-plan");
    assertThat(parent.statusCode()).as(parent.body()).isEqualTo(409);
    assertThat(json(parent).getJsonObject("details").getString("scope"))
        .isEqualTo(t + "/secret-team/launch-plan");
  }

  @Test
  void anAgentCannotRegisterItselfWithItsOwnToken() {
    String t = GovernorRig.freshTenant("self");
    String selfSigned =
        rig.tokens.mint(
            rig.tokens
                .spec("coder", "agent")
                .withScope(t)
                .withClaim("tenant", t)
                .withListClaim("caps", List.of("python:9")));
    HttpResponse<String> refused =
        rig.call("POST", "/v1/agents", rig.admin(t), new JsonObject().put("contract", selfSigned));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).getString("code")).isEqualTo("CONTRACT_REJECTED");
    assertThat(
            rig.call("POST", "/v1/agents", selfSigned, new JsonObject().put("contract", selfSigned))
                .statusCode())
        .isEqualTo(403);
  }
}
