package com.infrafabric.llm.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One streamed answer of {@link FakeProvider}, as OpenAI or Anthropic sends it: events a few
 * milliseconds apart, the text one word a delta, the usage where each format puts it.
 */
final class FakeStream {

  private static final long GAP_MS = 2;

  /** The text of one flood delta: a kilobyte, so a flood is many events. */
  private static final String FILLER = "x".repeat(1024);

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final JsonObject body;
  private final boolean anthropic;
  private final FakeProvider.Flooded flooded;

  /** The time between two events. */
  private long gapMs = GAP_MS;

  FakeStream(
      Vertx vertx, HttpServerRequest request, JsonObject body, FakeProvider.Flooded flooded) {
    this.vertx = vertx;
    this.request = request;
    this.body = body;
    this.flooded = flooded;
    this.anthropic = request.path().endsWith("/messages");
  }

  /** Sends the stream, or the part of it {@code behaviour} allows. */
  void send(FakeProvider.Behaviour behaviour) {
    HttpServerResponse response = request.response();
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    Number output =
        behaviour instanceof FakeProvider.Behaviour.Reports reports
            ? reports.outputTokens()
            : FakeProvider.OUTPUT_TOKENS;
    List<String> events = anthropic ? anthropicEvents(output) : openAiEvents(output);
    int deltas = FakeProvider.STREAMED_WORDS.size();
    int limit = events.size();
    if (behaviour instanceof FakeProvider.Behaviour.StallAfter stall) {
      limit = firstDelta() + Math.min(stall.events(), deltas);
    } else if (behaviour instanceof FakeProvider.Behaviour.CutAfter cut) {
      limit = firstDelta() + Math.min(cut.events(), deltas);
    } else if (behaviour instanceof FakeProvider.Behaviour.EndAfter end) {
      limit = firstDelta() + Math.min(end.events(), deltas);
    } else if (behaviour instanceof FakeProvider.Behaviour.ErrorAfter error) {
      limit = firstDelta() + Math.min(error.events(), deltas);
    } else if (behaviour instanceof FakeProvider.Behaviour.ErrorQuotingKey error) {
      limit = firstDelta() + Math.min(error.events(), deltas);
    }
    if (behaviour instanceof FakeProvider.Behaviour.Streams streams) {
      events = streams.events();
      limit = events.size();
    } else if (behaviour instanceof FakeProvider.Behaviour.Slow slow) {
      gapMs = Math.max(GAP_MS, slow.duration().toMillis() / events.size());
    }
    if (behaviour instanceof FakeProvider.Behaviour.Flood flood) {
      response.write(events.get(0));
      flood(response, events, flood.bytes());
    } else {
      write(response, events, 0, limit, behaviour);
    }
  }

  /**
   * Writes deltas of filler text while the write queue has room, {@code remaining} bytes of them,
   * then the rest of the answer; a full queue holds the flood until it drains, once.
   */
  private void flood(HttpServerResponse response, List<String> events, long remaining) {
    String delta =
        openAiChunk(body.getString("model"), new JsonObject().put("content", FILLER), null);
    long left = remaining;
    while (left > 0 && !response.writeQueueFull()) {
      response.write(delta);
      flooded.bytes().addAndGet(delta.length());
      left -= delta.length();
    }
    if (left > 0) {
      long rest = left;
      flooded.holds().incrementAndGet();
      response.drainHandler(drained -> flood(response, events, rest));
    } else {
      // The last hold's handler would run this flood again on the next drain, writing filler
      // after the answer's closing events.
      response.drainHandler(null);
      write(response, events, firstDelta(), events.size(), new FakeProvider.Behaviour.Answer());
    }
  }

  private void write(
      HttpServerResponse response,
      List<String> events,
      int index,
      int limit,
      FakeProvider.Behaviour behaviour) {
    if (response.closed()) {
      return;
    }
    if (index == limit) {
      if (behaviour instanceof FakeProvider.Behaviour.CutAfter) {
        request.connection().close();
      } else if (behaviour instanceof FakeProvider.Behaviour.ErrorAfter) {
        response.end(
            anthropic
                ? errorEvent(error(true, "overloaded_error", "Overloaded"))
                : errorEvent(
                    error(
                        false,
                        "server_error",
                        "The server had an error while processing your request.")));
      } else if (behaviour instanceof FakeProvider.Behaviour.ErrorQuotingKey) {
        response.end(
            errorEvent(
                error(
                    anthropic,
                    "authentication_error",
                    "key " + FakeProvider.sentKey(request) + " was refused mid-stream")));
      } else if (behaviour instanceof FakeProvider.Behaviour.LingersAfterLast lingers) {
        vertx.setTimer(
            lingers.linger().toMillis(),
            late -> {
              if (!response.closed()) {
                response.end(events.get(firstDelta()));
              }
            });
      } else if (!(behaviour instanceof FakeProvider.Behaviour.StallAfter)) {
        response.end();
      }
      return;
    }
    response.write(events.get(index));
    long gap =
        behaviour instanceof FakeProvider.Behaviour.Paced paced ? paced.gap().toMillis() : gapMs;
    vertx.setTimer(gap, id -> write(response, events, index + 1, limit, behaviour));
  }

  /** {@code error} as the event each format sends when it fails mid-stream. */
  private String errorEvent(JsonObject error) {
    return anthropic ? event("error", error) : data(error);
  }

  /** An error object of the Anthropic format, or else of OpenAI's, of {@code type}. */
  static JsonObject error(boolean anthropic, String type, String message) {
    return anthropic
        ? new JsonObject()
            .put("type", "error")
            .put("error", new JsonObject().put("type", type).put("message", message))
        : new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("message", message)
                    .put("type", type)
                    .putNull("param")
                    .putNull("code"));
  }

  /** The index of the first text delta among the events. */
  private int firstDelta() {
    return anthropic ? 2 : 1;
  }

  private List<String> openAiEvents(Number output) {
    String model = body.getString("model");
    List<String> events = new ArrayList<>();
    events.add(
        openAiChunk(model, new JsonObject().put("role", "assistant").put("content", ""), null));
    for (String word : FakeProvider.STREAMED_WORDS) {
      events.add(openAiChunk(model, new JsonObject().put("content", word), null));
    }
    events.add(openAiChunk(model, new JsonObject(), "stop"));
    JsonObject options = body.getJsonObject("stream_options", new JsonObject());
    if (options.getBoolean("include_usage", false)) {
      int input = FakeProvider.inputTokens(body);
      events.add(
          data(
              chunk(model)
                  .put("choices", new JsonArray())
                  .put(
                      "usage",
                      new JsonObject()
                          .put("prompt_tokens", input)
                          .put("completion_tokens", output)
                          .put("total_tokens", FakeProvider.totalTokens(input, output)))));
    }
    events.add("data: [DONE]\n\n");
    return events;
  }

  private static String openAiChunk(String model, JsonObject delta, String finish) {
    JsonObject choice = new JsonObject().put("index", 0).put("delta", delta);
    choice.put("finish_reason", finish);
    return data(chunk(model).put("choices", new JsonArray().add(choice)).putNull("usage"));
  }

  private static JsonObject chunk(String model) {
    return new JsonObject()
        .put("id", "chatcmpl-fake")
        .put("object", "chat.completion.chunk")
        .put("created", 1_700_000_000L)
        .put("model", model);
  }

  private List<String> anthropicEvents(Number output) {
    List<String> events = new ArrayList<>();
    JsonObject message =
        new JsonObject()
            .put("id", "msg_fake")
            .put("type", "message")
            .put("role", "assistant")
            .put("content", new JsonArray())
            .put("model", body.getString("model"))
            .putNull("stop_reason")
            .putNull("stop_sequence")
            .put(
                "usage",
                new JsonObject()
                    .put("input_tokens", FakeProvider.inputTokens(body))
                    .put("output_tokens", 1));
    events.add(event("message_start", new JsonObject().put("message", message)));
    events.add(
        event(
            "content_block_start",
            new JsonObject()
                .put("index", 0)
                .put("content_block", new JsonObject().put("type", "text").put("text", ""))));
    for (String word : FakeProvider.STREAMED_WORDS) {
      events.add(
          event(
              "content_block_delta",
              new JsonObject()
                  .put("index", 0)
                  .put("delta", new JsonObject().put("type", "text_delta").put("text", word))));
    }
    events.add(event("content_block_stop", new JsonObject().put("index", 0)));
    events.add(
        event(
            "message_delta",
            new JsonObject()
                .put(
                    "delta",
                    new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"))
                .put("usage", new JsonObject().put("output_tokens", output))));
    events.add(event("message_stop", new JsonObject()));
    return events;
  }

  private static String event(String type, JsonObject data) {
    return "event: " + type + "\n" + data(data.put("type", type));
  }

  private static String data(JsonObject json) {
    return "data: " + json.encode() + "\n\n";
  }
}
