package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a provider's redirect was relayed as it came (an empty 302 or 307 under {@code
 * UPSTREAM_REFUSED}, which the OpenAI SDK reports as "307 status code (no body)"), and an answer
 * whose head had 2,000 headers was a 504 saying the answer never came. Both are answers the gateway
 * cannot relay: 502 {@code upstream_invalid} in the caller's dialect, charged as reserved, as every
 * answer that is not one.
 */
@Timeout(60)
class GatewayUpstreamAnswerTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aRedirectIsAnInvalidAnswerInEitherDialectChargedAsReserved() {
    String openAi = RIG.fundedScope(100_000_000);
    RIG.primary.then(new FakeProvider.Behaviour.Status(307, null));

    HttpResponse<String> chat = call(openAi, "gpt-test", "/chat/completions");

    assertThat(chat.statusCode()).isEqualTo(502);
    assertThat(chat.headers().firstValue("x-error-code")).contains("UPSTREAM_INVALID");
    JsonObject error = new JsonObject(chat.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("upstream_invalid");
    assertThat(error.getString("message")).contains("answered 307");
    assertThat(RIG.awaitChargedAsReserved(openAi).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_invalid" + Charge.UNREPORTED);

    String anthropic = RIG.fundedScope(100_000_000);
    RIG.primary.then(new FakeProvider.Behaviour.Status(302, null));
    HttpResponse<String> message = call(anthropic, "claude-test", "/v1/messages");
    assertThat(message.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(message.body()).getJsonObject("error").getString("type"))
        .isEqualTo("api_error");
    RIG.awaitChargedAsReserved(anthropic);
  }

  @Test
  void anAnswerWhoseHeadCannotBeReadIsInvalidNotATimeout() {
    String scope = RIG.fundedScope(100_000_000);
    RIG.primary.then(new FakeProvider.Behaviour.HugeHead(2000));

    HttpResponse<String> chat = call(scope, "gpt-test", "/chat/completions");

    assertThat(chat.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(chat.body()).getJsonObject("error").getString("code"))
        .isEqualTo("upstream_invalid");
    assertThat(RIG.awaitChargedAsReserved(scope).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_invalid" + Charge.UNREPORTED);
  }

  private static HttpResponse<String> call(String scope, String model, String path) {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put("max_tokens", 50)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    String base = model.startsWith("claude") ? GatewayRoutes.ANTHROPIC : GatewayRoutes.OPENAI;
    return RIG.post(base + path, RIG.agent(scope), body, Map.of());
  }
}
