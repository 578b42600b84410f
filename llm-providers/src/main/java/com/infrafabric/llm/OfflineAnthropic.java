package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The offline provider in Anthropic's Messages format: a whole message, or its stream ({@code
 * message_start} with the input's usage, one text block's {@code content_block_*} events a word a
 * delta, {@code message_delta} with the output's usage, {@code message_stop}). The top-level {@code
 * system} is the first system message.
 */
final class OfflineAnthropic {

  /** Anthropic's stop reasons for the provider layer's finish reasons. */
  private static final Map<String, String> STOP_REASONS =
      Map.of("stop", "end_turn", "length", "max_tokens");

  private OfflineAnthropic() {}

  /** The chat request in {@code body}. */
  static ChatRequest request(JsonObject body) {
    List<ChatMessage> messages = new ArrayList<>();
    String system = OfflineRelay.text(body.getValue("system"));
    if (!system.isEmpty()) {
      messages.add(new ChatMessage("system", system));
    }
    for (JsonObject message : OfflineRelay.objects(body, "messages")) {
      String role = "assistant".equals(message.getString("role")) ? "assistant" : "user";
      messages.add(new ChatMessage(role, OfflineRelay.text(message.getValue("content"))));
    }
    Long bound = body.getLong("max_tokens");
    if (bound == null) {
      throw new IllegalArgumentException("max_tokens is required");
    }
    return new ChatRequest(body.getString("model"), messages, OfflineRelay.maxTokens(bound));
  }

  /** {@code completion} as the answer to {@code body}: one message, or its events. */
  static List<Buffer> answer(JsonObject body, ChatCompletion completion) {
    String stop = STOP_REASONS.getOrDefault(completion.finishReason(), "end_turn");
    TokenUsage usage = completion.usage();
    JsonObject message =
        new JsonObject()
            .put("id", "msg_offline_" + OfflineRelay.id(body))
            .put("type", "message")
            .put("role", "assistant")
            .put("model", completion.model());
    if (!body.getBoolean("stream", false)) {
      JsonObject text = new JsonObject().put("type", "text").put("text", completion.content());
      message
          .put("content", new JsonArray().add(text))
          .put("stop_reason", stop)
          .putNull("stop_sequence")
          .put("usage", usage(usage.inputTokens(), usage.outputTokens()));
      return List.of(message.toBuffer());
    }
    message
        .put("content", new JsonArray())
        .putNull("stop_reason")
        .putNull("stop_sequence")
        .put("usage", usage(usage.inputTokens(), 1));
    List<Buffer> events = new ArrayList<>();
    events.add(event("message_start", new JsonObject().put("message", message)));
    JsonObject block = new JsonObject().put("type", "text").put("text", "");
    events.add(
        event("content_block_start", new JsonObject().put("index", 0).put("content_block", block)));
    for (String word : completion.content().split("(?<= )")) {
      if (!word.isEmpty()) {
        JsonObject delta = new JsonObject().put("type", "text_delta").put("text", word);
        events.add(
            event("content_block_delta", new JsonObject().put("index", 0).put("delta", delta)));
      }
    }
    events.add(event("content_block_stop", new JsonObject().put("index", 0)));
    JsonObject stopped = new JsonObject().put("stop_reason", stop).putNull("stop_sequence");
    events.add(
        event(
            "message_delta",
            new JsonObject()
                .put("delta", stopped)
                .put("usage", new JsonObject().put("output_tokens", usage.outputTokens()))));
    events.add(event("message_stop", new JsonObject()));
    return events;
  }

  /** Anthropic's error answer with {@code message}. */
  static Buffer error(String message) {
    JsonObject error =
        new JsonObject().put("type", "invalid_request_error").put("message", message);
    return new JsonObject().put("type", "error").put("error", error).toBuffer();
  }

  private static Buffer event(String type, JsonObject data) {
    return OfflineRelay.event(type, data.put("type", type).encode());
  }

  private static JsonObject usage(long input, long output) {
    return new JsonObject().put("input_tokens", input).put("output_tokens", output);
  }
}
