package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.contract.ModuleDigest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
      serve.budget("acme");
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

  /** Registers {@code my-agent} and claims a task for it: the answer carries its grant. */
  private static String claim(LocalServe serve, byte[] module) {
    serve.registerAgent("my-agent", "acme", MODEL);
    JsonObject grant =
        new JsonObject()
            .put("tools", new JsonArray().add(ModuleDigest.of(module).hex()))
            .put("capabilities", new JsonArray().add("llm"))
            .put("models", new JsonArray().add(MODEL))
            .put("max_invocations", 1);
    return serve.claim("task-1", SCOPE, grant).getString("grant");
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
