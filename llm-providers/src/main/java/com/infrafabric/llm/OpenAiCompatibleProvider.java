package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI chat completions format ({@code POST /v1/chat/completions}), which many servers
 * implement. Usage: {@code prompt_tokens} includes cached tokens, so the uncached input is {@code
 * prompt_tokens - prompt_tokens_details.cached_tokens}.
 */
final class OpenAiCompatibleProvider implements LlmProvider {

  private final ProviderHttp http;

  /**
   * @param clock what a provider's {@code Retry-After} date is read against
   */
  public OpenAiCompatibleProvider(Vertx vertx, ProviderSettings settings, Clock clock) {
    this.http = new ProviderHttp(vertx, settings, clock);
  }

  @Override
  public Future<ProviderReply> complete(
      ChatRequest request, Optional<OpenedCredential> key, Cancellation cancellation) {
    JsonArray messages = new JsonArray();
    request
        .messages()
        .forEach(
            m -> messages.add(new JsonObject().put("role", m.role()).put("content", m.content())));
    JsonObject body =
        new JsonObject()
            .put("model", request.model())
            .put("messages", messages)
            .put("max_tokens", request.maxTokens());
    return http.post(
        ProviderPaths.CHAT_COMPLETIONS,
        Map.of(),
        body,
        key,
        cancellation,
        OpenAiCompatibleProvider::parse);
  }

  static ChatCompletion parse(JsonObject answer) {
    JsonObject choice = answer.getJsonArray("choices").getJsonObject(0);
    JsonObject usage = answer.getJsonObject("usage");
    return new ChatCompletion(
        answer.getString("model"),
        choice.getJsonObject("message").getString("content", ""),
        choice.getString("finish_reason", ""),
        ReportedUsage.openAiChat(usage));
  }

  @Override
  public void close() {
    http.close();
  }
}
