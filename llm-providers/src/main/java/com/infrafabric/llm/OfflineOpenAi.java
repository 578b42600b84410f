package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The offline provider in OpenAI's format: chat completions, whole or streamed as {@code
 * chat.completion.chunk} events (one per word, the usage chunk when {@code
 * stream_options.include_usage} asks for it, then {@code [DONE]}), and embeddings. Each of the
 * {@code n} choices asked for is the same answer, and is counted. {@code created} is 0: the answer
 * depends on the request only.
 */
final class OfflineOpenAi {

  /** What {@code max_tokens} is when a request gives no bound. */
  private static final int DEFAULT_MAX_TOKENS = 4096;

  private static final String INPUT_SHAPES =
      "input must be a string, an array of strings, an array of token ids or an array of such"
          + " arrays";

  private OfflineOpenAi() {}

  /**
   * The chat request in {@code body}. {@code developer} messages count as system ones, {@code tool}
   * and {@code function} messages as the user's.
   */
  static ChatRequest request(JsonObject body) {
    List<ChatMessage> messages = new ArrayList<>();
    for (JsonObject message : OfflineRelay.objects(body, "messages")) {
      String role = message.getString("role", "user");
      String mapped =
          switch (role) {
            case "system", "developer" -> "system";
            case "assistant" -> "assistant";
            default -> "user";
          };
      messages.add(new ChatMessage(mapped, OfflineRelay.text(message.getValue("content"))));
    }
    long bound =
        Math.max(body.getLong("max_completion_tokens", 0L), body.getLong("max_tokens", 0L));
    return new ChatRequest(
        body.getString("model"),
        messages,
        bound == 0 ? DEFAULT_MAX_TOKENS : OfflineRelay.maxTokens(bound));
  }

  /** {@code completion} as the answer to {@code body}: one JSON object, or its events. */
  static List<Buffer> answer(JsonObject body, ChatCompletion completion) {
    int choices = body.getInteger("n", 1);
    TokenUsage usage = completion.usage();
    JsonObject counted = usage(usage.inputTokens(), usage.outputTokens() * choices);
    String id = "chatcmpl-offline-" + OfflineRelay.id(body);
    if (!body.getBoolean("stream", false)) {
      JsonArray answers = new JsonArray();
      for (int i = 0; i < choices; i++) {
        JsonObject message =
            new JsonObject()
                .put("role", "assistant")
                .put("content", completion.content())
                .putNull("refusal");
        answers.add(
            new JsonObject()
                .put("index", i)
                .put("message", message)
                .putNull("logprobs")
                .put("finish_reason", completion.finishReason()));
      }
      JsonObject whole =
          head(id, "chat.completion", completion.model())
              .put("choices", answers)
              .put("usage", counted);
      return List.of(whole.toBuffer());
    }
    return events(body, completion, id, choices, counted);
  }

  private static List<Buffer> events(
      JsonObject body, ChatCompletion completion, String id, int choices, JsonObject usage) {
    List<Buffer> events = new ArrayList<>();
    for (int i = 0; i < choices; i++) {
      events.add(
          chunk(
              id,
              completion,
              i,
              new JsonObject().put("role", "assistant").put("content", ""),
              null));
      for (String word : completion.content().split("(?<= )")) {
        if (!word.isEmpty()) {
          events.add(chunk(id, completion, i, new JsonObject().put("content", word), null));
        }
      }
      events.add(chunk(id, completion, i, new JsonObject(), completion.finishReason()));
    }
    JsonObject options = body.getJsonObject("stream_options", new JsonObject());
    if (options.getBoolean("include_usage", false)) {
      JsonObject last =
          head(id, "chat.completion.chunk", completion.model())
              .put("choices", new JsonArray())
              .put("usage", usage);
      events.add(OfflineRelay.event(null, last.encode()));
    }
    events.add(OfflineRelay.event(null, "[DONE]"));
    return events;
  }

  private static Buffer chunk(
      String id, ChatCompletion completion, int index, JsonObject delta, String finish) {
    JsonObject choice =
        new JsonObject().put("index", index).put("delta", delta).put("finish_reason", finish);
    JsonObject chunk =
        head(id, "chat.completion.chunk", completion.model())
            .put("choices", new JsonArray().add(choice));
    return OfflineRelay.event(null, chunk.encode());
  }

  /**
   * The embeddings of {@code body}'s {@code input}: a string, strings, one array of token ids or
   * arrays of them, as OpenAI's API takes it; in {@code dimensions} if it names them, as floats or,
   * when {@code encoding_format} asks, base64 of little-endian floats as OpenAI sends them.
   *
   * @throws IllegalArgumentException if the input is none of these
   */
  static Buffer embeddings(JsonObject body, OfflineProvider provider) {
    String model = body.getString("model");
    int dimensions = body.getInteger("dimensions", OfflineProvider.EMBEDDING_DIMENSIONS);
    boolean base64 = "base64".equals(body.getString("encoding_format"));
    JsonArray data = new JsonArray();
    long total = 0;
    List<Object> inputs = embeddingInputs(body.getValue("input"));
    for (int i = 0; i < inputs.size(); i++) {
      OfflineProvider.Embedding embedding =
          inputs.get(i) instanceof String text
              ? provider.embed(model, text, dimensions)
              : provider.embed(model, (long[]) inputs.get(i), dimensions);
      total += embedding.tokens();
      data.add(
          new JsonObject()
              .put("object", "embedding")
              .put("index", i)
              .put("embedding", base64 ? base64(embedding.vector()) : floats(embedding.vector())));
    }
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("model", model)
        .put("usage", new JsonObject().put("prompt_tokens", total).put("total_tokens", total))
        .toBuffer();
  }

  /**
   * Each input to embed, a {@code String} or the {@code long[]} of a token array: an array of
   * numbers is one token array, any other array a list of inputs.
   */
  private static List<Object> embeddingInputs(Object input) {
    if (input instanceof String text) {
      return List.of(text);
    }
    if (!(input instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException(INPUT_SHAPES);
    }
    if (array.getValue(0) instanceof Number) {
      return List.of(tokenIds(array));
    }
    List<Object> inputs = new ArrayList<>();
    for (Object item : array) {
      if (item instanceof String text) {
        inputs.add(text);
      } else if (item instanceof JsonArray tokens && !tokens.isEmpty()) {
        inputs.add(tokenIds(tokens));
      } else {
        throw new IllegalArgumentException(INPUT_SHAPES);
      }
    }
    return inputs;
  }

  private static long[] tokenIds(JsonArray tokens) {
    long[] ids = new long[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      if (!(tokens.getValue(i) instanceof Integer || tokens.getValue(i) instanceof Long)
          || ((Number) tokens.getValue(i)).longValue() < 0) {
        throw new IllegalArgumentException("a token id must be a whole number of at least 0");
      }
      ids[i] = ((Number) tokens.getValue(i)).longValue();
    }
    return ids;
  }

  /** OpenAI's error answer with {@code message}. */
  static Buffer error(String message) {
    JsonObject error =
        new JsonObject()
            .put("message", message)
            .put("type", "invalid_request_error")
            .putNull("param")
            .putNull("code");
    return new JsonObject().put("error", error).toBuffer();
  }

  private static JsonObject head(String id, String object, String model) {
    return new JsonObject()
        .put("id", id)
        .put("object", object)
        .put("created", 0)
        .put("model", model);
  }

  private static JsonObject usage(long input, long output) {
    return new JsonObject()
        .put("prompt_tokens", input)
        .put("completion_tokens", output)
        .put("total_tokens", input + output);
  }

  private static JsonArray floats(float[] vector) {
    JsonArray values = new JsonArray();
    for (float value : vector) {
      values.add(value);
    }
    return values;
  }

  private static String base64(float[] vector) {
    ByteBuffer bytes =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : vector) {
      bytes.putFloat(value);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
