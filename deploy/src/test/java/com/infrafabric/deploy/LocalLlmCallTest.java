package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.auth.TokenMinter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's local {@code serve} runs a tool that calls {@code llm_complete} without network or
 * keys: a publisher registers the host-api example, an admin gives the tenant a budget and
 * registers the agent, a dispatcher claims a task for it and gets its grant, the agent invokes the
 * tool under that grant, the offline provider answers for a model of the default pricing catalogue,
 * and the governor's ledger holds the committed cost.
 */
@Timeout(120)
class LocalLlmCallTest {

  private static final String MODEL = "gpt-4o-mini";
  private static final String SCOPE = "acme/demo/task-1";

  @TempDir Path directory;

  @Test
  void aGrantedToolCallsTheOfflineModelAndTheGovernorLedgerHoldsTheCommit() throws Exception {
    try (LocalServe serve = LocalServe.start(directory)) {
      HttpResponse<String> budget =
          serve.governor.send(
              "PUT",
              "/v1/budgets/acme",
              serve.tenantToken("admin", "acme"),
              Map.of(),
              "{\"limits\":{\"day\":{\"cap_micros\":5000000}}}");
      assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
      byte[] module = Guests.fixture("examples/wat/llm_complete.wat");
      HttpResponse<String> registered =
          serve.register(
              module, Contracts.forModule("ask", module).grantLlm(List.of(MODEL), 1, 64).json());
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      String agent = serve.agent("my-agent", "acme", "ask@1.0.0");
      String grant = claim(serve, module);

      HttpResponse<String> ungranted = invoke(serve, agent, Map.of());
      assertThat(ungranted.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(ungranted.body()).getString("outcome")).isEqualTo("GRANT_REQUIRED");

      HttpResponse<String> answered = invoke(serve, agent, Map.of("X-InfraFabric-Grant", grant));
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      JsonObject completion = new JsonObject(answered.body()).getJsonObject("output");
      assertThat(completion.getString("content"))
          .isEqualTo("[offline " + MODEL + "] You said: Say hello");
      long cost = completion.getLong("cost_micros");
      assertThat(cost).isPositive();

      JsonArray entries =
          new JsonObject(
                  serve
                      .governor
                      .get("/v1/ledger/acme?scope=" + SCOPE, serve.tenantToken("auditor", "acme"))
                      .body())
              .getJsonArray("entries");
      assertThat(entries)
          .filteredOn(e -> ((JsonObject) e).getString("type").equals("commit"))
          .singleElement()
          .satisfies(
              commit -> {
                assertThat(((JsonObject) commit).getString("scope")).isEqualTo(SCOPE);
                assertThat(((JsonObject) commit).getLong("amount_micros")).isEqualTo(cost);
                assertThat(((JsonObject) commit).getLong("spent_delta_micros")).isEqualTo(cost);
              });
    }
  }

  /**
   * Registers {@code my-agent} with the governor under a contract the local operator key signs, and
   * claims a task for it as a dispatcher: the answer carries the agent's grant for the tool.
   */
  private static String claim(LocalServe serve, byte[] module) {
    AgentContract contract =
        new AgentContract(
            "my-agent",
            "acme",
            CapabilitySet.of(Map.of("summarize", 1)),
            MODEL,
            1_000,
            1,
            Duration.ofSeconds(10),
            1);
    TokenMinter operator = TokenMinter.load(serve.data.resolve("keys/signing-private.json"));
    String signed =
        operator.mint(
            contract.toTokenSpec(LocalKeys.ISSUER, Duration.ofDays(1)),
            Clock.systemUTC().instant());
    HttpResponse<String> registered =
        serve.governor.send(
            "POST",
            "/v1/agents",
            serve.tenantToken("admin", "acme"),
            Map.of(),
            new JsonObject().put("contract", signed).encode());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

    JsonObject task =
        new JsonObject()
            .put("task_id", "task-1")
            .put("scope", SCOPE)
            .put("required", new JsonArray().add("summarize:1"))
            .put("max_cost_micros", 100_000)
            .put(
                "grant",
                new JsonObject()
                    .put("tools", new JsonArray().add(ModuleDigest.of(module).hex()))
                    .put("capabilities", new JsonArray().add("llm"))
                    .put("models", new JsonArray().add(MODEL))
                    .put("max_invocations", 1));
    String dispatcher =
        operator.mint(
            LocalKeys.spec("dispatcher-1", "dispatcher").withScope("acme"),
            Clock.systemUTC().instant());
    HttpResponse<String> claimed =
        serve.governor.send(
            "POST",
            "/v1/claims",
            dispatcher,
            Map.of("Idempotency-Key", "claim-task-1"),
            task.encode());
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    return new JsonObject(claimed.body()).getString("grant");
  }

  private static HttpResponse<String> invoke(
      LocalServe serve, String agent, Map<String, String> headers) {
    JsonObject request =
        new JsonObject()
            .put("model", MODEL)
            .put(
                "messages",
                new JsonArray()
                    .add(new JsonObject().put("role", "user").put("content", "Say hello")))
            .put("max_tokens", 32);
    return serve.chassis.send(
        "POST",
        "/v1/tools/ask/1.0.0/invocations",
        agent,
        headers,
        new JsonObject().put("input", request).encode());
  }
}
