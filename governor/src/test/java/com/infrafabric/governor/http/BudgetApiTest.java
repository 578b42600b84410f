package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The charge path and the operator's side over HTTP, as a client sees them. */
@Timeout(60)
class BudgetApiTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Test
  void anAgentReservesAndCommitsAndTheAuditorSeesItInTheLedger() {
    String t = freshTenant("api");
    rig.budget(t, "day", 100_000, 50, 80);
    rig.budget(t + "/search", "month", 1_000_000);
    String agent = rig.agent(t + "/search");

    HttpResponse<String> reserved =
        rig.post(
            "/v1/reservations",
            agent,
            new JsonObject()
                .put("scope", t + "/search/agent-1")
                .put("model", "gpt-test")
                .put("input_tokens", 1000)
                .put("max_output_tokens", 500));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    JsonObject reservation = json(reserved);
    assertThat(reservation.getLong("amount_micros")).isEqualTo(7_500);
    assertThat(reserved.headers().firstValue("X-Budget-Remaining-Micros")).hasValue("92500");
    assertThat(reserved.headers().firstValue("X-Budget-Scope")).hasValue(t);

    HttpResponse<String> committed =
        rig.post(
            "/v1/reservations/" + reservation.getString("reservation_id") + "/commit",
            agent,
            new JsonObject()
                .put("model", "gpt-test")
                .put("input_tokens", 1000)
                .put("output_tokens", 200));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    assertThat(json(committed).getLong("actual_micros")).isEqualTo(4_500);
    assertThat(json(committed).getLong("released_micros")).isEqualTo(3_000);

    JsonObject status =
        json(rig.call("GET", "/v1/budgets/" + encode(t + "/search") + "/status", agent, null));
    assertThat(status.getJsonArray("layers").getJsonObject(1).getLong("spent_micros"))
        .isEqualTo(4_500);

    JsonObject ledger = json(rig.call("GET", "/v1/ledger/" + t, rig.auditor(t), null));
    assertThat(ledger.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("type")))
        .containsExactly("budget", "budget", "reserve", "commit");
    JsonObject report =
        json(rig.call("GET", "/v1/ledger/" + t + "/reconciliation", rig.auditor(t), null));
    assertThat(report.getBoolean("consistent")).isTrue();
  }

  @Test
  void aDeniedReservationSaysWhichLayerAndWindowRefusedAndByHowMuch() {
    String t = freshTenant("deny");
    rig.budget(t, "lifetime", 1_000);

    HttpResponse<String> denied =
        rig.post(
            "/v1/reservations",
            rig.agent(t),
            new JsonObject().put("scope", t + "/p").put("amount_micros", 1_500));

    assertThat(denied.statusCode()).isEqualTo(402);
    JsonObject error = json(denied);
    assertThat(error.getString("code")).isEqualTo("BUDGET_EXCEEDED");
    assertThat(error.getString("message"))
        .isEqualTo(
            "Reserving 1500 micro-dollars would exceed the lifetime cap of "
                + t
                + " by 500 micro-dollars.");
    JsonObject refusal = error.getJsonObject("details").getJsonArray("refusals").getJsonObject(0);
    assertThat(refusal.getString("scope")).isEqualTo(t);
    assertThat(refusal.getLong("shortfall_micros")).isEqualTo(500);
    assertThat(denied.headers().firstValue("X-Budget-Remaining-Micros")).hasValue("1000");
  }

  /**
   * Regression: the tenant policy's downgrade advice reached only the gateway's callers; a
   * reservation over REST, which the README says answers with the cheaper model to use, never
   * carried it, nor did its denial, when the cheaper model may still fit.
   */
  @Test
  void aReservationAndItsDenialCarryThePolicysDowngradeAdvice() {
    String t = freshTenant("advice");
    rig.budget(t, "lifetime", 10_000);
    JsonObject downgrade =
        new JsonObject()
            .put("from_model", "gpt-test")
            .put("to_model", "mini-test")
            .put("below_remaining_pct", 50);
    assertThat(
            rig.call(
                    "PUT",
                    "/v1/tenants/" + t + "/policy",
                    rig.admin(t),
                    new JsonObject().put("downgrades", new JsonArray().add(downgrade)))
                .statusCode())
        .isEqualTo(200);
    JsonObject gpt = // 1,000 input + 500 output tokens of gpt-test: 7,500 micro-dollars
        new JsonObject()
            .put("scope", t + "/p")
            .put("model", "gpt-test")
            .put("input_tokens", 1_000)
            .put("max_output_tokens", 500);

    HttpResponse<String> reserved = rig.post("/v1/reservations", rig.agent(t), gpt);
    HttpResponse<String> denied = rig.post("/v1/reservations", rig.agent(t), gpt);

    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    assertThat(json(reserved).getString("advised_model")).isEqualTo("mini-test");
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(402);
    assertThat(json(denied).getJsonObject("details").getString("advised_model"))
        .isEqualTo("mini-test");
  }

  /**
   * Every call on a scope no budget covers is refused naming that scope, as the script that looked
   * it up names it (not as the caller passes a subject along): a reservation and a charge, on a
   * tenant with budgets elsewhere and on one with none at all, and the status of the latter (a
   * status read on the former reports the scope's usage uncapped).
   */
  @Test
  void aScopeWithoutABudgetIsNamedOnEveryPathThatTakesOne() {
    String budgeted = freshTenant("unbudgeted");
    rig.budget(budgeted + "/y", "lifetime", 1_000);
    String none = freshTenant("nobudget");
    for (String t : List.of(budgeted, none)) {
      String scope = t + "/nob2/x";
      JsonObject one = new JsonObject().put("scope", scope).put("amount_micros", 1);
      assertScopeUnknown(rig.post("/v1/reservations", rig.agent(t), one), scope);
      assertScopeUnknown(rig.post("/v1/charges", rig.agent(t), one), scope);
    }
    String scope = none + "/nob2/x";
    assertScopeUnknown(
        rig.call("GET", "/v1/budgets/" + encode(scope) + "/status", rig.auditor(none), null),
        scope);
  }

  private static void assertScopeUnknown(HttpResponse<String> refused, String scope) {
    JsonObject error =
        assertError(refused, 422, "SCOPE_UNKNOWN", "no budget is defined on " + scope + " ");
    assertThat(error.getJsonObject("details").getString("scope")).isEqualTo(scope);
  }

  @Test
  void budgetsCanBeReadReplacedAndDeleted() {
    String t = freshTenant("crud");
    rig.budget(t + "/p", "month", 5_000, 90);
    String path = "/v1/budgets/" + encode(t + "/p");

    JsonObject budget = json(rig.call("GET", path, rig.auditor(t), null));
    assertThat(budget.getJsonObject("limits").getJsonObject("month").getLong("cap_micros"))
        .isEqualTo(5_000);

    assertThat(rig.call("DELETE", path, rig.admin(t), null).statusCode()).isEqualTo(204);
    HttpResponse<String> gone = rig.call("GET", path, rig.admin(t), null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).getString("code")).isEqualTo("BUDGET_NOT_FOUND");
  }

  @Test
  void pricingIsVersionedAndGuardedByIfMatch() {
    JsonObject current = json(rig.call("GET", "/v1/pricing", rig.auditor(), null));
    long version = current.getLong("version");
    JsonObject models =
        new JsonObject()
            .put(
                "models",
                current
                    .getJsonArray("models")
                    .copy()
                    .add(
                        new JsonObject()
                            .put("model", "new-model")
                            .put("input_per_million", 1)
                            .put("cached_input_per_million", 1)
                            .put("output_per_million", 2)));

    HttpResponse<String> stale =
        rig.call(
            "PUT",
            "/v1/pricing",
            rig.admin(),
            models,
            java.util.Map.of("If-Match", Long.toString(version - 1)));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(json(stale).getString("code")).isEqualTo("VERSION_CONFLICT");

    HttpResponse<String> published =
        rig.call(
            "PUT",
            "/v1/pricing",
            rig.admin(),
            models,
            java.util.Map.of("If-Match", Long.toString(version)));
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    assertThat(json(published).getLong("version")).isEqualTo(version + 1);
  }

  /**
   * The review's repro: a platform admin doubles gpt-test and removes mini-test between the
   * reservations and their commits, which still settle at the version they were reserved at.
   */
  @Test
  void commitsAfterAPricingChangeSettleAtTheirReservationsVersion() {
    String t = freshTenant("repriced");
    rig.budget(t, "lifetime", 1_000_000);
    String agent = rig.agent(t);
    JsonObject gpt = reserveTokens(agent, t, "gpt-test");
    JsonObject mini = reserveTokens(agent, t, "mini-test");
    assertThat(gpt.getLong("amount_micros")).isEqualTo(12_500);
    long version = gpt.getLong("pricing_version");
    JsonObject original = json(rig.call("GET", "/v1/pricing", rig.auditor(), null));
    JsonObject dearer =
        new JsonObject()
            .put(
                "models",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("model", "gpt-test")
                            .put("input_per_million", 5_000_000)
                            .put("cached_input_per_million", 2_500_000)
                            .put("output_per_million", 20_000_000)));
    assertThat(putPricing(dearer, version).statusCode()).isEqualTo(200);
    try {
      JsonObject gptCommitted = commitTokens(agent, gpt, "gpt-test");
      JsonObject miniCommitted = commitTokens(agent, mini, "mini-test");

      assertThat(gptCommitted.getLong("actual_micros")).isEqualTo(12_500);
      assertThat(gptCommitted.getBoolean("overage")).isFalse();
      assertThat(miniCommitted.getLong("actual_micros")).isEqualTo(750);
    } finally {
      putPricing(new JsonObject().put("models", original.getJsonArray("models")), version + 1);
    }
  }

  private static JsonObject reserveTokens(String agent, String tenant, String model) {
    HttpResponse<String> reserved =
        rig.post(
            "/v1/reservations",
            agent,
            new JsonObject()
                .put("scope", tenant + "/p")
                .put("model", model)
                .put("input_tokens", 1000)
                .put("max_output_tokens", 1000));
    assertThat(reserved.statusCode()).as(reserved.body()).isEqualTo(201);
    return json(reserved);
  }

  private static JsonObject commitTokens(String agent, JsonObject reservation, String model) {
    HttpResponse<String> committed =
        rig.post(
            "/v1/reservations/" + reservation.getString("reservation_id") + "/commit",
            agent,
            new JsonObject()
                .put("model", model)
                .put("input_tokens", 1000)
                .put("output_tokens", 1000));
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    return json(committed);
  }

  private static HttpResponse<String> putPricing(JsonObject models, long ifMatch) {
    return rig.call(
        "PUT",
        "/v1/pricing",
        rig.admin(),
        models,
        java.util.Map.of("If-Match", Long.toString(ifMatch)));
  }

  /**
   * Regression: a tenant admin's megabyte of {@code {"limits":{...},"x":[{},{},...]}} was built
   * into a tree of some 35 MB before it was refused; 120 at once stalled the node in GC until its
   * Redis client marked Redis unreachable, and another tenant got 503. The parser now stops at the
   * body's bound of objects and arrays.
   */
  @Test
  void aWideBodyIsRefusedByTheParserAndNothingIsWritten() {
    String t = freshTenant("wide");
    StringBuilder wide = new StringBuilder("{\"limits\":{\"day\":{\"cap_micros\":1000}},\"x\":[{}");
    while (wide.length() < 1_000_000) {
      wide.append(",{}");
    }
    HttpResponse<String> refused =
        rig.http.send(
            "PUT",
            "/v1/budgets/" + encode(t),
            rig.admin(t),
            Map.of(),
            wide.append("]}").toString());

    assertError(refused, 400, "MALFORMED_REQUEST", "more than 2500 objects and arrays");
    assertThat(rig.call("GET", "/v1/budgets/" + encode(t), rig.admin(t), null).statusCode())
        .isEqualTo(404);
  }
}
