package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The offline provider behind a relay writes what the provider of each format would send: the same
 * bytes for the same request, usage where the format puts it, streams event by event held back
 * while the reader pauses, and refusals in the format's error shape.
 */
@Timeout(30)
class OfflineRelayTest {

  private Vertx vertx;
  private OfflineRelay relay;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    relay = new OfflineRelay(vertx, new OfflineProvider());
  }

  @AfterEach
  void stop() {
    relay.close();
    Await.result(vertx.close());
  }

  @Test
  void aChatCompletionIsTheOfflineAnswerWithItsUsageAndTheSameBytesEveryTime() {
    JsonObject request = chat("Hello there").put("n", 2);

    String first = read(post(ProviderPaths.CHAT_COMPLETIONS, request));
    String again = read(post(ProviderPaths.CHAT_COMPLETIONS, request));

    assertThat(first).isEqualTo(again);
    JsonObject answer = new JsonObject(first);
    ChatCompletion expected = offline(OfflineOpenAi.request(request));
    JsonArray choices = answer.getJsonArray("choices");
    assertThat(choices).hasSize(2);
    assertThat(choices.getJsonObject(1).getJsonObject("message").getString("content"))
        .isEqualTo(expected.content())
        .isEqualTo("[offline m] You said: Hello there");
    assertThat(answer.getJsonObject("usage").getLong("prompt_tokens"))
        .isEqualTo(expected.usage().inputTokens());
    assertThat(answer.getJsonObject("usage").getLong("completion_tokens"))
        .isEqualTo(2 * expected.usage().outputTokens());
  }

  @Test
  void aStreamedChatCompletionSendsAWordAChunkThenTheUsageChunkOnlyWhenAskedThenDone() {
    JsonObject request = chat("Stream this please").put("stream", true);
    JsonObject withUsage =
        request.copy().put("stream_options", new JsonObject().put("include_usage", true));

    List<String> plain = data(read(post(ProviderPaths.CHAT_COMPLETIONS, request)));
    List<String> counted = data(read(post(ProviderPaths.CHAT_COMPLETIONS, withUsage)));

    assertThat(plain.get(plain.size() - 1)).isEqualTo("[DONE]");
    assertThat(plain).noneMatch(event -> event.contains("\"usage\""));
    assertThat(counted).hasSize(plain.size() + 1);
    JsonObject usage = new JsonObject(counted.get(counted.size() - 2)).getJsonObject("usage");
    String text =
        plain.subList(0, plain.size() - 1).stream()
            .map(JsonObject::new)
            .map(chunk -> chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
            .map(delta -> delta.getString("content", ""))
            .collect(Collectors.joining());
    assertThat(text).isEqualTo("[offline m] You said: Stream this please");
    assertThat(plain.size()).isGreaterThan(5);
    assertThat(usage.getLong("completion_tokens")).isEqualTo((text.length() + 3) / 4);
  }

  @Test
  void anAnthropicStreamCarriesItsUsageInMessageStartAndMessageDeltaAndStopsAtTheBound() {
    JsonObject request =
        new JsonObject()
            .put("model", "c")
            .put("max_tokens", 3)
            .put("stream", true)
            .put("system", "Be brief")
            .put("messages", new JsonArray().add(user("Tell me everything about it")));

    String stream = read(post(ProviderPaths.MESSAGES, request));

    List<JsonObject> events = data(stream).stream().map(JsonObject::new).toList();
    assertThat(events)
        .extracting(event -> event.getString("type"))
        .startsWith("message_start", "content_block_start", "content_block_delta")
        .endsWith("content_block_stop", "message_delta", "message_stop");
    assertThat(stream).startsWith("event: message_start\ndata: ");
    ChatCompletion expected = offline(OfflineAnthropic.request(request));
    assertThat(
            events.get(0).getJsonObject("message").getJsonObject("usage").getLong("input_tokens"))
        .isEqualTo(expected.usage().inputTokens());
    JsonObject delta = events.get(events.size() - 2);
    assertThat(delta.getJsonObject("usage").getLong("output_tokens")).isEqualTo(3);
    assertThat(delta.getJsonObject("delta").getString("stop_reason")).isEqualTo("max_tokens");
  }

  @Test
  void embeddingsAreUnitVectorsOfTheAskedDimensionsInFloatsOrBase64() {
    JsonObject request =
        new JsonObject()
            .put("model", "e")
            .put("input", new JsonArray().add("one").add("two"))
            .put("dimensions", 8);

    JsonObject floats = new JsonObject(read(post(ProviderPaths.EMBEDDINGS, request)));
    JsonObject base64 =
        new JsonObject(
            read(post(ProviderPaths.EMBEDDINGS, request.copy().put("encoding_format", "base64"))));

    JsonArray vector = floats.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
    assertThat(vector).hasSize(8);
    double norm = 0;
    for (int i = 0; i < vector.size(); i++) {
      norm += vector.getDouble(i) * vector.getDouble(i);
    }
    assertThat(norm).isBetween(0.9999, 1.0001);
    ByteBuffer decoded =
        ByteBuffer.wrap(
                Base64.getDecoder()
                    .decode(base64.getJsonArray("data").getJsonObject(0).getString("embedding")))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(decoded.getFloat(0)).isEqualTo(vector.getFloat(0));
    assertThat(floats.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(2);
  }

  @Test
  void tokenArraysAreEmbeddedLikeTextEachIdOneToken() {
    JsonArray tokens = new JsonArray().add(9906).add(1917).add(0);
    JsonObject one = new JsonObject().put("model", "e").put("input", tokens);
    JsonObject several =
        new JsonObject()
            .put("model", "e")
            .put("input", new JsonArray().add(tokens).add(new JsonArray().add(42)));

    JsonObject single = new JsonObject(read(post(ProviderPaths.EMBEDDINGS, one)));
    JsonObject again = new JsonObject(read(post(ProviderPaths.EMBEDDINGS, one)));
    JsonObject batch = new JsonObject(read(post(ProviderPaths.EMBEDDINGS, several)));

    JsonArray vector = single.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
    assertThat(vector).hasSize(OfflineProvider.EMBEDDING_DIMENSIONS);
    assertThat(again.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
        .isEqualTo(vector);
    assertThat(batch.getJsonArray("data")).hasSize(2);
    assertThat(batch.getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
        .isEqualTo(vector);
    assertThat(batch.getJsonArray("data").getJsonObject(1).getJsonArray("embedding"))
        .isNotEqualTo(vector);
    assertThat(single.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(3);
    assertThat(batch.getJsonObject("usage").getLong("prompt_tokens")).isEqualTo(4);
  }

  @Test
  void anInputThatIsNeitherTextNorTokenIdsIsRefused() {
    for (JsonArray input :
        List.of(
            new JsonArray().add(1).add("two"),
            new JsonArray().add(-1),
            new JsonArray().add(new JsonArray()),
            new JsonArray().add(1.5))) {
      ProviderReply reply =
          Await.result(
              post(
                  ProviderPaths.EMBEDDINGS,
                  new JsonObject().put("model", "e").put("input", input)));

      assertThat(reply).as(input.encode()).isInstanceOf(ProviderReply.Refused.class);
      assertThat(((ProviderReply.Refused) reply).status()).isEqualTo(400);
    }
  }

  @Test
  void aRequestTheFormatDoesNotAllowIsRefusedInThatFormatsErrorShape() {
    ProviderReply openAi =
        Await.result(
            post(ProviderPaths.EMBEDDINGS, new JsonObject().put("model", "e").put("input", 7)));
    ProviderReply anthropic =
        Await.result(
            post(
                ProviderPaths.MESSAGES,
                new JsonObject().put("model", "c").put("messages", new JsonArray())));

    assertThat(openAi).isInstanceOf(ProviderReply.Refused.class);
    assertThat(((ProviderReply.Refused) openAi).status()).isEqualTo(400);
    assertThat(
            ((ProviderReply.Refused) openAi)
                .body()
                .toJsonObject()
                .getJsonObject("error")
                .getString("type"))
        .isEqualTo("invalid_request_error");
    assertThat(((ProviderReply.Refused) anthropic).body().toJsonObject().getString("type"))
        .isEqualTo("error");
  }

  /**
   * Whatever a caller puts in a request, the relay replies: an optional member sent as {@code null}
   * is absent, as both providers read it, and anything else it cannot read or answer is a 400 in
   * the format's shape. It never fails its future, which the gate would take for its own fault.
   */
  @Test
  void nullsAndWrongShapesAreAbsentOrA400NeverAFailure() {
    JsonArray hello =
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"));
    Map<JsonObject, Boolean> openAi = new LinkedHashMap<>();
    openAi.put(chat(hello).putNull("max_tokens"), true);
    openAi.put(chat(hello).putNull("stream"), true);
    openAi.put(chat(hello).putNull("n").putNull("stream_options"), true);
    openAi.put(chat(new JsonArray().addNull()), false);
    openAi.put(chat(new JsonArray().add(1)), false);
    openAi.put(chat(hello).put("stream", true).put("stream_options", "x"), false);
    openAi.put(
        chat(hello)
            .put("stream", true)
            .put("stream_options", new JsonObject().putNull("include_usage")),
        false);
    openAi.put(
        chat(new JsonArray().add(new JsonObject().putNull("role").put("content", "hi"))), false);
    openAi.put(chat(hello).put("n", "two"), false);
    openAi.forEach(
        (body, answered) -> assertRepliesWith(ProviderPaths.CHAT_COMPLETIONS, body, answered));
    Map<JsonObject, Boolean> anthropic = new LinkedHashMap<>();
    anthropic.put(chat(hello).put("max_tokens", 10).putNull("stream"), true);
    anthropic.put(chat(new JsonArray().addNull()).put("max_tokens", 10), false);
    anthropic.put(chat(hello).put("max_tokens", 10).put("stream", "yes"), false);
    anthropic.forEach(
        (body, answered) -> assertRepliesWith(ProviderPaths.MESSAGES, body, answered));
  }

  private static JsonObject chat(JsonArray messages) {
    return new JsonObject().put("model", "m").put("messages", messages);
  }

  private void assertRepliesWith(String path, JsonObject body, boolean answered) {
    ProviderReply reply = Await.result(post(path, body));
    if (answered) {
      assertThat(reply).as(body.encode()).isInstanceOf(ProviderReply.Opened.class);
      read(Future.succeededFuture(reply));
    } else {
      assertThat(reply).as(body.encode()).isInstanceOf(ProviderReply.Refused.class);
      assertThat(((ProviderReply.Refused) reply).status()).isEqualTo(400);
    }
  }

  @Test
  void anAnswerHandsOutOnlyTheChunksItsReaderAskedFor() {
    List<Buffer> chunks = List.of(Buffer.buffer("a"), Buffer.buffer("b"), Buffer.buffer("c"));
    List<String> seen = new ArrayList<>();
    Promise<Void> ended = Promise.promise();
    Promise<Void> two = Promise.promise();
    vertx.runOnContext(
        start -> {
          ChunkedAnswerBody body = new ChunkedAnswerBody(vertx.getOrCreateContext(), chunks);
          body.handler(
              chunk -> {
                seen.add(chunk.toString());
                if (seen.size() == 2) {
                  two.complete();
                }
              });
          body.endHandler(ended::complete);
          body.fetch(2);
        });
    Await.result(two.future());
    List<String> later = Await.result(vertx.timer(50).map(t -> List.copyOf(seen)));
    assertThat(later).containsExactly("a", "b");
    assertThat(ended.future().isComplete()).isFalse();
  }

  private Future<ProviderReply> post(String path, JsonObject body) {
    return relay.post(path, Map.of(), body.toBuffer(), Optional.empty(), new Cancellation());
  }

  /** The whole body of an opened answer, read on its context. */
  private static String read(Future<ProviderReply> reply) {
    Promise<String> done = Promise.promise();
    reply.onSuccess(
        opened -> {
          AnswerBody body = ((ProviderReply.Opened) opened).body();
          Buffer all = Buffer.buffer();
          body.handler(all::appendBuffer);
          body.endHandler(end -> done.complete(all.toString()));
          body.resume();
        });
    return Await.result(done.future());
  }

  /** The {@code data} of each event of a stream. */
  private static List<String> data(String stream) {
    return stream
        .lines()
        .filter(line -> line.startsWith("data: "))
        .map(line -> line.substring(6))
        .toList();
  }

  private static ChatCompletion offline(ChatRequest request) {
    ProviderReply reply =
        Await.result(new OfflineProvider().complete(request, Optional.empty(), new Cancellation()));
    return ((ProviderReply.Answered) reply).completion();
  }

  private static JsonObject chat(String text) {
    return new JsonObject()
        .put("model", "m")
        .put("max_tokens", 100)
        .put("messages", new JsonArray().add(user(text)));
  }

  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }
}
