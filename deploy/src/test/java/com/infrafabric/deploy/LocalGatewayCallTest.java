package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
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
 * A newcomer's local {@code serve} completes an agent's SDK call through the LLM gateway without
 * network or provider keys: the offline provider serves the default pricing catalogue's models in
 * both dialects, and each call is charged to the virtual key's scope.
 */
@Timeout(120)
class LocalGatewayCallTest {

  private static final List<String> PRICED =
      List.of("claude-haiku-3.5", "claude-sonnet-4", "gpt-4o", "gpt-4o-mini");

  @TempDir Path directory;

  @Test
  void theDefaultPricedModelsAreServedOfflineInBothDialectsAndEachCallIsCharged() throws Exception {
    try (LocalServe serve = LocalServe.start(directory)) {
      serve.budget("acme");
      String key = virtualKey(serve);
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .baseUrl(serve.governor.uri("/llm/openai/v1").toString())
              .apiKey(key)
              .maxRetries(0)
              .build();
      try {
        List<String> models = client.models().list().data().stream().map(Model::id).toList();
        HttpResponseFor<ChatCompletion> answered =
            client
                .chat()
                .completions()
                .withRawResponse()
                .create(
                    ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini")
                        .addUserMessage("Say hello")
                        .maxCompletionTokens(64)
                        .build());

        assertThat(models).containsExactlyElementsOf(PRICED);
        assertThat(answered.parse().choices().get(0).message().content())
            .hasValue("[offline gpt-4o-mini] You said: Say hello");
        assertThat(answered.headers().values("x-governor-provider")).containsExactly("offline");
        assertThat(Long.parseLong(answered.headers().values("x-budget-charged-micros").get(0)))
            .isPositive();
      } finally {
        client.close();
      }
      HttpResponse<String> message =
          serve.governor.send(
              "POST",
              "/llm/anthropic/v1/messages",
              null,
              Map.of("x-api-key", key, "anthropic-version", "2023-06-01"),
              new JsonObject()
                  .put("model", "claude-haiku-3.5")
                  .put("max_tokens", 64)
                  .put(
                      "messages",
                      new JsonArray()
                          .add(new JsonObject().put("role", "user").put("content", "Hi")))
                  .encode());
      assertThat(message.statusCode()).as(message.body()).isEqualTo(200);
      assertThat(
              new JsonObject(message.body())
                  .getJsonArray("content")
                  .getJsonObject(0)
                  .getString("text"))
          .isEqualTo("[offline claude-haiku-3.5] You said: Hi");

      JsonArray layers =
          new JsonObject(
                  serve
                      .governor
                      .get("/v1/budgets/acme%2Fchat/status", serve.tenantToken("auditor", "acme"))
                      .body())
              .getJsonArray("layers");
      // acme/chat has no budget of its own: the calls are charged on the tenant's.
      JsonObject tenant =
          layers.stream()
              .map(JsonObject.class::cast)
              .filter(layer -> layer.getString("scope").equals("acme"))
              .findFirst()
              .orElseThrow();
      assertThat(tenant.getLong("spent_micros")).isPositive();
      assertThat(tenant.getLong("reserved_micros")).isZero();
    }
  }

  /** A virtual key on {@code acme/chat} for every model, as the tenant's admin makes it. */
  private static String virtualKey(LocalServe serve) {
    JsonObject body =
        new JsonObject()
            .put("scope", "acme/chat")
            .put("allowed_models", new JsonArray().add("*"))
            .put("requests_per_minute", 60)
            .put("tokens_per_minute", 100_000)
            .put("metadata", new JsonObject());
    HttpResponse<String> created =
        serve.governor.send(
            "POST", "/v1/keys", serve.tenantToken("admin", "acme"), Map.of(), body.encode());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("secret");
  }
}
