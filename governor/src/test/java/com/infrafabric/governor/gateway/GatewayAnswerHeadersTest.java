package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: some answers to a known caller went without the headers the README promises. A key
 * out of requests got 429 {@code RATE_LIMITED} on {@code GET /models} without any {@code
 * x-budget-*} header (the chat route's had them), and a reserved call ending in its provider's
 * refusal had {@code x-governor-provider} but not {@code x-governor-model}, one ending 503 after
 * its provider's 5xx neither. Every route is walked here through every kind of outcome: each answer
 * states the caller's budget, and each reserved call's the provider and model it went to last.
 */
@Timeout(120)
class GatewayAnswerHeadersTest {

  private static final long CAP = 1_000_000;

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /** One answer and what it must carry. */
  private record Case(String name, HttpResponse<String> answer, int status, String model) {}

  private static final String CHAT = GatewayRoutes.OPENAI + "/chat/completions";
  private static final String MESSAGES = GatewayRoutes.ANTHROPIC + "/v1/messages";
  private static final String EMBEDDINGS = GatewayRoutes.OPENAI + "/embeddings";
  private static final String MODELS = GatewayRoutes.OPENAI + "/models";

  private static JsonObject hi(String model, boolean stream) {
    return new JsonObject()
        .put("model", model)
        .put("max_tokens", 10)
        .put("stream", stream)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  private static HttpResponse<String> post(String path, String token, JsonObject body) {
    return RIG.post(path, token, body, Map.of());
  }

  private static HttpResponse<String> get(String path, String token) {
    return RIG.governor.call("GET", path, token, null);
  }

  /** After {@code behaviour}, a call of {@code body} on {@code path}. */
  private static HttpResponse<String> after(
      Behaviour behaviour, String path, String token, JsonObject body) {
    RIG.primary.then(behaviour);
    return post(path, token, body);
  }

  @Test
  void everyRouteAndOutcomeStatesTheBudgetAndEveryReservedCallItsProviderAndModel() {
    String scope = RIG.fundedScope(CAP);
    String agent = RIG.agent(scope);
    JsonObject embed = new JsonObject().put("model", "emb-test").put("input", "Hi");
    Case[] cases = {
      new Case("chat", post(CHAT, agent, hi("gpt-test", false)), 200, "gpt-test"),
      new Case("chat streamed", post(CHAT, agent, hi("gpt-test", true)), 200, "gpt-test"),
      new Case("messages", post(MESSAGES, agent, hi("claude-test", false)), 200, "claude-test"),
      new Case(
          "messages streamed", post(MESSAGES, agent, hi("claude-test", true)), 200, "claude-test"),
      new Case("embeddings", post(EMBEDDINGS, agent, embed), 200, "emb-test"),
      new Case("models", get(MODELS, agent), 200, null),
      new Case(
          "chat refused by the provider",
          after(new Behaviour.Status(400, null), CHAT, agent, hi("gpt-test", false)),
          400,
          "gpt-test"),
      new Case(
          "messages refused by the provider",
          after(new Behaviour.Status(422, null), MESSAGES, agent, hi("claude-test", false)),
          422,
          "claude-test"),
      new Case(
          "chat whose provider failed",
          after(new Behaviour.Status(500, null), CHAT, agent, hi("gpt-test", false)),
          503,
          "gpt-test"),
      new Case(
          "messages whose provider failed",
          after(new Behaviour.Status(503, null), MESSAGES, agent, hi("claude-test", false)),
          503,
          "claude-test"),
      new Case(
          "chat answered with no answer",
          after(new Behaviour.Garbage(), CHAT, agent, hi("gpt-test", false)),
          502,
          "gpt-test"),
      new Case(
          "chat refused by the provider in HTML",
          after(
              new Behaviour.Refuses(413, "text/html", "<html>too large</html>"),
              CHAT,
              agent,
              hi("gpt-test", false)),
          413,
          "gpt-test"),
      new Case("unknown model", post(CHAT, agent, hi("no-such", false)), 404, null),
      new Case(
          "model not allowed",
          post(CHAT, RIG.agent(scope, "mini-test"), hi("gpt-test", false)),
          403,
          null),
      new Case("bad request", post(CHAT, agent, hi("gpt-test", false).put("n", 0)), 400, null),
    };
    SoftAssertions softly = new SoftAssertions();
    for (Case known : cases) {
      assertHeaders(softly, known, scope);
    }
    softly.assertAll();
  }

  @Test
  void aKeyOutOfRequestsStatesTheBudgetOnEveryRoute() {
    String scope = RIG.fundedScope(CAP);
    String key = key(scope);
    assertThat(get(MODELS, key).statusCode()).isEqualTo(200);

    SoftAssertions softly = new SoftAssertions();
    assertHeaders(softly, new Case("models", get(MODELS, key), 429, null), scope);
    assertHeaders(
        softly, new Case("chat", post(CHAT, key, hi("gpt-test", false)), 429, null), scope);
    assertHeaders(
        softly,
        new Case("messages", post(MESSAGES, key, hi("claude-test", false)), 429, null),
        scope);
    softly.assertAll();
  }

  @Test
  void aBudgetRefusalStatesTheBudget() {
    String scope = RIG.fundedScope(1);
    SoftAssertions softly = new SoftAssertions();
    assertHeaders(
        softly,
        new Case("chat", post(CHAT, RIG.agent(scope), hi("gpt-test", false)), 429, null),
        scope);
    softly.assertAll();
  }

  /** A virtual key of {@code scope} allowed one request a minute. */
  private static String key(String scope) {
    return Await.result(
            RIG.governor
                .service
                .keys()
                .create(
                    new KeySpec(Scope.parse(scope), Set.of("*"), 1, 1_000_000, Map.of(), null),
                    IdempotencyKey.of("key-" + UUID.randomUUID()),
                    GovernorRig.ADMIN))
        .secret()
        .orElseThrow();
  }

  private static void assertHeaders(SoftAssertions softly, Case known, String scope) {
    var headers = known.answer().headers();
    softly.assertThat(known.answer().statusCode()).as(known.name()).isEqualTo(known.status());
    softly
        .assertThat(headers.firstValue(BudgetHeaders.REMAINING))
        .as(known.name() + ": remaining")
        .isPresent();
    softly
        .assertThat(headers.firstValue(BudgetHeaders.SCOPE))
        .as(known.name() + ": scope")
        .hasValue(scope);
    softly
        .assertThat(headers.firstValue(BudgetHeaders.WINDOW))
        .as(known.name() + ": window")
        .hasValue("day");
    if (known.model() != null) {
      softly
          .assertThat(headers.firstValue("x-governor-model"))
          .as(known.name() + ": model")
          .hasValue(known.model());
      softly
          .assertThat(headers.firstValue("x-governor-provider"))
          .as(known.name() + ": provider")
          .hasValue(known.model().equals("claude-test") ? "anthropic" : "primary");
    } else {
      softly
          .assertThat(headers.firstValue("x-governor-provider"))
          .as(known.name() + ": no provider")
          .isEmpty();
    }
  }
}
