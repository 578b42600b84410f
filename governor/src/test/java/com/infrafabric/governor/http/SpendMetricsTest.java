package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.gateway.GatewayRoutes;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.PrometheusConventions;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Tokens by model and the remaining budget per scope and window, as Prometheus scrapes them. */
@Timeout(60)
class SpendMetricsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void meteredSpendCountsTokensByModelOnceAndTheGaugeShowsWhatIsLeft() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("tokens");
      rig.budget(t, "lifetime", 1_000_000);
      String agent = rig.agent(t);
      JsonObject tokens =
          new JsonObject()
              .put("model", "gpt-test")
              .put("input_tokens", 100)
              .put("cached_input_tokens", 20)
              .put("output_tokens", 30);
      HttpResponse<String> reserved =
          rig.post(
              "/v1/reservations",
              agent,
              new JsonObject().put("scope", t + "/p").put("amount_micros", 5_000));
      String commit = "/v1/reservations/" + json(reserved).getString("reservation_id") + "/commit";
      Map<String, String> key = Map.of("Idempotency-Key", "commit-once");
      assertThat(rig.call("POST", commit, agent, tokens, key).statusCode()).isEqualTo(200);
      assertThat(rig.call("POST", commit, agent, tokens, key).statusCode())
          .as("a replay")
          .isEqualTo(200);
      rig.post("/v1/charges", agent, tokens.copy().put("scope", t + "/p"));

      Await.result(rig.service.budgetGauges().refresh());
      String scrape = rig.http.get("/metrics", rig.auditor()).body();

      assertThat(scrape)
          .contains(
              "governor_llm_tokens_total{kind=\"input\",model=\"gpt-test\"} 200.0",
              "governor_llm_tokens_total{kind=\"cached_input\",model=\"gpt-test\"} 40.0",
              "governor_llm_tokens_total{kind=\"output\",model=\"gpt-test\"} 60.0",
              "governor_budget_remaining_truncated 0.0")
          .containsPattern(
              "governor_budget_remaining_microdollars\\{scope=\"" + t + "\",window=\"lifetime\"} ");
      JsonObject layer =
          json(rig.http.get("/v1/budgets/" + t + "/status", rig.auditor(t)))
              .getJsonArray("layers")
              .getJsonObject(0);
      assertThat(layer.getLong("spent_micros")).as("the commit and the charge").isPositive();
      assertThat(scrape)
          .contains(
              "governor_budget_remaining_microdollars{scope=\""
                  + t
                  + "\",window=\"lifetime\"} "
                  + (double) layer.getLong("remaining_micros"));
      PrometheusConventions.assertConventional(scrape, 64 * 1024);
    }
  }

  /**
   * A call through the LLM gateway is counted where the money moves, like a reservation over REST:
   * its reservation, its commit, the tenant's spend and the model's tokens; a call its budget
   * refuses is a denied reservation. The engines count, so no path to the money is left out.
   */
  @Test
  void aGatewayCallIsCountedLikeAnyOtherSpend() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("gateway");
      rig.budget(t, "lifetime", 1_000_000);
      String poor = GovernorRig.freshTenant("poor");
      rig.budget(poor, "lifetime", 1);
      String chat = GatewayRoutes.OPENAI + "/chat/completions";
      String call =
          new JsonObject()
              .put("model", "gpt-test")
              .put("max_tokens", 16)
              .put(
                  "messages",
                  new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")))
              .encode();

      HttpResponse<String> answered = rig.http.send("POST", chat, rig.agent(t), Map.of(), call);
      HttpResponse<String> refused = rig.http.send("POST", chat, rig.agent(poor), Map.of(), call);

      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      String scrape = rig.http.get("/metrics", rig.auditor()).body();
      assertThat(scrape)
          .contains(
              "governor_reservations_total{outcome=\"reserved\"} 1.0",
              "governor_reservations_total{outcome=\"denied\"} 1.0",
              "governor_commits_total{outcome=\"ok\"} 1.0")
          .containsPattern("governor_spend_microdollars_total\\{tenant=\"" + t + "\"} [1-9]")
          .containsPattern("governor_llm_tokens_total\\{kind=\"output\",model=\"gpt-test\"} [1-9]");
    }
  }

  @Test
  void aFinishedClaimCountsItsSpendAndTokensOnce() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("finish");
      rig.budget(t, "lifetime", 1_000_000);
      String contract =
          rig.tokens.mint(
              ClaimRig.contract(t, "coder", Map.of("python", 2), 2_000, 1)
                  .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
      assertThat(
              rig.call(
                      "POST",
                      "/v1/agents",
                      rig.admin(t),
                      new JsonObject().put("contract", contract))
                  .statusCode())
          .isEqualTo(201);
      String dispatcher =
          rig.tokens.mint(rig.tokens.spec("dispatcher-1", "dispatcher").withScope(t));
      HttpResponse<String> claimed =
          rig.post(
              "/v1/claims",
              dispatcher,
              new JsonObject()
                  .put("task_id", "t-1")
                  .put("scope", t)
                  .put("required", new JsonArray().add("python:2"))
                  .put("max_cost_micros", 5_000));
      assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
      String finish =
          "/v1/leases/"
              + URLEncoder.encode(json(claimed).getString("lease_id"), StandardCharsets.UTF_8)
              + "/finish";
      JsonObject report =
          new JsonObject()
              .put("agent_id", "coder")
              .put("outcome", "succeeded")
              .put("model", "gpt-test")
              .put("input_tokens", 40)
              .put("output_tokens", 8);
      Map<String, String> key = Map.of("Idempotency-Key", "finish-once");
      assertThat(rig.call("POST", finish, dispatcher, report, key).statusCode()).isEqualTo(200);
      assertThat(rig.call("POST", finish, dispatcher, report, key).statusCode())
          .as("a replay")
          .isEqualTo(200);

      String scrape = rig.http.get("/metrics", rig.auditor()).body();

      assertThat(scrape)
          .contains(
              "governor_llm_tokens_total{kind=\"input\",model=\"gpt-test\"} 40.0",
              "governor_llm_tokens_total{kind=\"output\",model=\"gpt-test\"} 8.0")
          .containsPattern("governor_spend_microdollars_total\\{tenant=\"" + t + "\"} [1-9]");
    }
  }
}
