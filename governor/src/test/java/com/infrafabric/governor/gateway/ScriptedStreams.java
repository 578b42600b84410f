package com.infrafabric.governor.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Streams a provider may send, event by event, for a fake provider to play ({@code Streams}). */
final class ScriptedStreams {

  private ScriptedStreams() {}

  static JsonObject usage(long prompt, long completion) {
    return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion);
  }

  /** A chat completion's stream: one delta, its end, a usage chunk per {@code usages}, [DONE]. */
  static List<String> openAiEvents(JsonObject... usages) {
    List<String> events = new ArrayList<>();
    events.add(data(chunk(new JsonObject().put("role", "assistant").put("content", "Hi"), null)));
    events.add(data(chunk(new JsonObject(), "stop")));
    for (JsonObject usage : usages) {
      events.add(
          data(
              new JsonObject()
                  .put("id", "chatcmpl-scripted")
                  .put("object", "chat.completion.chunk")
                  .put("created", 1_700_000_000L)
                  .put("model", "gpt-test")
                  .put("choices", new JsonArray())
                  .put("usage", usage)));
    }
    events.add("data: [DONE]\n\n");
    return events;
  }

  static JsonObject chunk(JsonObject delta, String finish) {
    return new JsonObject()
        .put("id", "chatcmpl-scripted")
        .put("object", "chat.completion.chunk")
        .put("created", 1_700_000_000L)
        .put("model", "gpt-test")
        .put(
            "choices",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 0)
                        .put("delta", delta)
                        .put("finish_reason", finish)));
  }

  /** A message's stream reporting {@code input} in message_start and {@code output} after. */
  static List<String> anthropicEvents(long input, long output) {
    JsonObject message =
        new JsonObject()
            .put("id", "msg_scripted")
            .put("type", "message")
            .put("role", "assistant")
            .put("content", new JsonArray())
            .put("model", "claude-test")
            .putNull("stop_reason")
            .putNull("stop_sequence")
            .put("usage", new JsonObject().put("input_tokens", input).put("output_tokens", 1));
    return List.of(
        anthropicEvent("message_start", new JsonObject().put("message", message)),
        anthropicEvent(
            "content_block_start",
            new JsonObject()
                .put("index", 0)
                .put("content_block", new JsonObject().put("type", "text").put("text", ""))),
        anthropicEvent(
            "content_block_delta",
            new JsonObject()
                .put("index", 0)
                .put("delta", new JsonObject().put("type", "text_delta").put("text", "Hi"))),
        anthropicEvent("content_block_stop", new JsonObject().put("index", 0)),
        anthropicEvent("message_delta", delta(output)),
        anthropicEvent("message_stop", new JsonObject()));
  }

  static JsonObject delta(long output) {
    return new JsonObject()
        .put("delta", new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"))
        .put("usage", new JsonObject().put("output_tokens", output));
  }

  static String anthropicEvent(String type, JsonObject data) {
    return "event: " + type + "\n" + data(data.copy().put("type", type));
  }

  static String data(JsonObject json) {
    return "data: " + json.encode() + "\n\n";
  }
}
