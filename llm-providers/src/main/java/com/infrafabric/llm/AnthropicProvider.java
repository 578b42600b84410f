package com.infrafabric.llm;

import com.infrafabric.llm.vault.OpenedCredential;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Anthropic Messages format ({@code POST /v1/messages}, {@code anthropic-version: 2023-06-01}).
 * System messages go to the top-level {@code system} field. Usage: {@code input_tokens} is the
 * uncached input; tokens written to the prompt cache are counted as input weighted by what writing
 * them costs ({@link ReportedUsage#anthropicCacheWrites}), those read from it ({@code
 * cache_read_input_tokens}) as cached input.
 */
final class AnthropicProvider implements LlmProvider {

  static final String VERSION = "2023-06-01";

  private final ProviderHttp http;

  /**
   * @param clock what a provider's {@code Retry-After} date is read against
   */
  public AnthropicProvider(Vertx vertx, ProviderSettings settings, Clock clock) {
    this.http = new ProviderHttp(vertx, settings, clock);
  }

  @Override
  public Future<ProviderReply> complete(
      ChatRequest request, Optional<OpenedCredential> key, Cancellation cancellation) {
    JsonArray messages = new JsonArray();
    request.messages().stream()
        .filter(m -> !m.role().equals("system"))
        .forEach(
            m -> messages.add(new JsonObject().put("role", m.role()).put("content", m.content())));
    JsonObject body =
        new JsonObject()
            .put("model", request.model())
            .put("max_tokens", request.maxTokens())
            .put("messages", messages);
    String system =
        request.messages().stream()
            .filter(m -> m.role().equals("system"))
            .map(ChatMessage::content)
            .collect(Collectors.joining("\n\n"));
    if (!system.isEmpty()) {
      body.put("system", system);
    }
    return http.post(
        ProviderPaths.MESSAGES,
        Map.of("anthropic-version", VERSION),
        body,
        key,
        cancellation,
        AnthropicProvider::parse);
  }

  static ChatCompletion parse(JsonObject answer) {
    StringBuilder text = new StringBuilder();
    JsonArray content = answer.getJsonArray("content");
    for (int i = 0; i < content.size(); i++) {
      JsonObject block = content.getJsonObject(i);
      if ("text".equals(block.getString("type"))) {
        text.append(block.getString("text", ""));
      }
    }
    return new ChatCompletion(
        answer.getString("model"),
        text.toString(),
        answer.getString("stop_reason", ""),
        ReportedUsage.anthropic(answer.getJsonObject("usage")));
  }

  @Override
  public void close() {
    http.close();
  }
}
