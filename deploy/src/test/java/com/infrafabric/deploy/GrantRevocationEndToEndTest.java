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
 * Regression: a grant kept running its tool (and sending its credential) after its task was
 * finished as abandoned, for as long as the token lived. Through both services of a local {@code
 * serve}: a grant good for several invocations works while its lease is active, and is refused by
 * the chassis the moment the lease is finished, whatever the outcome, with uses left.
 */
@Timeout(120)
class GrantRevocationEndToEndTest {

  private static final String MODEL = "gpt-4o-mini";

  @TempDir Path directory;

  @Test
  void aGrantStopsWorkingTheMomentItsLeaseIsFinished() throws Exception {
    try (LocalServe serve = LocalServe.start(directory)) {
      byte[] module = Guests.fixture("examples/wat/llm_complete.wat");
      HttpResponse<String> registered =
          serve.register(
              module, Contracts.forModule("ask", module).grantLlm(List.of(MODEL), 1, 64).json());
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      serve.budget("acme");
      serve.registerAgent("my-agent", "acme", MODEL);
      String agent = serve.agent("my-agent", "acme", "ask@1.0.0");

      for (String outcome : List.of("abandoned", "succeeded", "failed")) {
        JsonObject claim = serve.claim("task-" + outcome, "acme/demo/" + outcome, grant(module));
        String grant = claim.getString("grant");
        assertThat(invoke(serve, agent, grant).statusCode()).as(outcome).isEqualTo(200);

        HttpResponse<String> finished = serve.finish(claim, outcome);
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);

        HttpResponse<String> refused = invoke(serve, agent, grant);
        assertThat(refused.statusCode()).as(outcome).isEqualTo(403);
        JsonObject answer = new JsonObject(refused.body());
        assertThat(answer.getString("outcome")).isEqualTo("GRANT_REFUSED");
        assertThat(answer.getString("message"))
            .endsWith("was revoked: its task's lease ended (" + outcome + ")");
      }
    }
  }

  private static JsonObject grant(byte[] module) {
    return new JsonObject()
        .put("tools", new JsonArray().add(ModuleDigest.of(module).hex()))
        .put("capabilities", new JsonArray().add("llm"))
        .put("models", new JsonArray().add(MODEL))
        .put("max_invocations", 5);
  }

  private static HttpResponse<String> invoke(LocalServe serve, String agent, String grant) {
    JsonObject request =
        new JsonObject()
            .put("model", MODEL)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")))
            .put("max_tokens", 16);
    return serve.chassis.send(
        "POST",
        "/v1/tools/ask/1.0.0/invocations",
        agent,
        Map.of("X-InfraFabric-Grant", grant),
        new JsonObject().put("input", request).encode());
  }
}
