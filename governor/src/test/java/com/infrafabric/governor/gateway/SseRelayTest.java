package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.AnswerBody;
import com.infrafabric.llm.vault.Redactor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the relay meters of a stream and what it relays, however the provider's connection cuts it
 * into chunks: the events as the SSE standard reads them, in canonical framing, so that the
 * client's SDK reads exactly what was metered.
 */
@Timeout(60)
class SseRelayTest {

  /** An event the meter withholds from the client, with the blank line that ends it. */
  private static final String WITHHELD = "data: {\"withhold\":1}\r\n\r\n";

  private static final String WITHHELD_LAST = "data: {\"withhold\":2}\n\n";

  private static final byte[] STREAM =
      Buffer.buffer()
          .appendString("\ufeffdata: {\"a\":1}\r\n\r\n: a comment\n")
          .appendString(WITHHELD)
          .appendString("event: delta\nid: 7\nretry: 100\nunknown: field\n")
          .appendString("data:{\"b\":\"caf\u00e9 \ud83d\ude00\"}\n\n")
          .appendString("data: {\"c\":\r\ndata: [1,2]}\r\r")
          .appendString("data: {\"e\":\"")
          .appendBytes(new byte[] {(byte) 0xff})
          .appendString("\"}\n\n")
          .appendString(WITHHELD_LAST)
          .appendString("data: [DONE]\n\ndata: not json, after the end\n\n")
          .appendString("data: {\"g\":\"never ended\"}")
          .getBytes();

  /**
   * What the client is to receive: every event but the withheld, in canonical framing, up to the
   * provider's last.
   */
  private static final byte[] RELAYED =
      Buffer.buffer(
              "data: {\"a\":1}\n\n"
                  + "event: delta\ndata: {\"b\":\"caf\u00e9 \ud83d\ude00\"}\n\n"
                  + "data: {\"c\":\ndata: [1,2]}\n\n"
                  + "data: {\"e\":\"\ufffd\"}\n\n"
                  + "data: [DONE]\n\n")
          .getBytes();

  private static final List<JsonObject> EVENTS =
      List.of(
          new JsonObject().put("a", 1),
          new JsonObject().put("withhold", 1),
          new JsonObject().put("b", "caf\u00e9 \ud83d\ude00"),
          new JsonObject("{\"c\":[1,2]}"),
          new JsonObject().put("e", "\ufffd"),
          new JsonObject().put("withhold", 2));

  private static Vertx vertx;
  private static HttpServer server;
  private static HttpClient client;
  private static volatile List<Buffer> chunks;
  private static volatile SseDialect dialect = SseDialect.OPENAI;
  private static volatile long maxBytes = Long.MAX_VALUE;
  private static volatile Redactor redactor = Redactor.none();
  private static volatile Future<SseRelay.Ended> ended;
  private static final List<JsonObject> metered = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void openAiWithoutBound() {
    dialect = SseDialect.OPENAI;
    maxBytes = Long.MAX_VALUE;
    redactor = Redactor.none();
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    ended =
                        SseRelay.relay(
                            vertx,
                            new Chunks(vertx.getOrCreateContext(), chunks),
                            request.response(),
                            new Recorder(),
                            dialect,
                            maxBytes,
                            Duration.ofSeconds(30),
                            redactor,
                            new LiveCalls()))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Regression: each {@code data:} line was read as an event of its own and the bytes relayed as
   * they came, so an event of two {@code data:} lines, which the SDKs read joined, was metered as
   * two others. Every field of the standard is read as it says, wherever a chunk cuts the stream.
   */
  @Test
  void everyCutInTwoMetersTheSameEventsAndRelaysTheSameBytes() throws Exception {
    for (int cut = 0; cut <= STREAM.length; cut++) {
      assertThat(relay(List.of(cut))).as("cut at %d", cut).isEqualTo(EVENTS);
      assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(SseRelay.Ended.COMPLETED);
    }
  }

  @Test
  void randomCutsMeterTheSameEventsAndRelayTheSameBytes() throws Exception {
    Random random = new Random(7);
    for (int run = 0; run < 100; run++) {
      List<Integer> cuts = new ArrayList<>();
      for (int i = random.nextInt(12); i > 0; i--) {
        cuts.add(random.nextInt(STREAM.length + 1));
      }
      Collections.sort(cuts);
      assertThat(relay(cuts)).as("cuts at %s", cuts).isEqualTo(EVENTS);
    }
  }

  /**
   * A line no event comes close to is not relayed in pieces (which could carry a key cut across
   * chunks past the redactor): the stream ends as too large, with the dialect's error event.
   */
  @Test
  void aLineLongerThanAnEventCanBeCutsTheStreamAsTooLarge() throws Exception {
    String tooLong = "data: {\"x\":\"" + "a".repeat(1 << 20) + "\"}\n";
    chunks =
        List.of(
            Buffer.buffer("data: {\"a\":1}\n\n" + tooLong.substring(0, 300_000)),
            Buffer.buffer(tooLong.substring(300_000) + "data: {\"b\":2}\ndata: [DONE]\n"));
    String text = answer().toString();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.TOO_LARGE);
    assertThat(text)
        .startsWith("data: {\"a\":1}\n\ndata: {\"error\":")
        .contains("an event of the answer exceeds the 1048576 bytes the gateway reads")
        .doesNotContain("aaaa");
  }

  /**
   * An event that never ends, of short lines, is held only up to the event bound: the stream ends
   * as too large rather than buffering it.
   */
  @Test
  void anEventThatNeverEndsCutsTheStreamAsTooLarge() throws Exception {
    List<Buffer> endless = new ArrayList<>();
    endless.add(Buffer.buffer("data: {\"a\":1}\n\n"));
    for (int i = 0; i < 1200; i++) {
      endless.add(Buffer.buffer("data: " + "b".repeat(1000) + "\n"));
    }
    chunks = endless;
    String text = answer().toString();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.TOO_LARGE);
    assertThat(text)
        .startsWith("data: {\"a\":1}\n\ndata: {\"error\":")
        .contains("an event of the answer exceeds")
        .doesNotContain("bbbb");
  }

  /**
   * Regression class: an event the client's SDK cannot read was relayed and the call recorded
   * {@code ok}, while the SDK threw; {@code data: [DONE]xyz}, which the OpenAI SDK reads as the
   * end, was followed by an error event the SDK never read. Such an event is not relayed: the
   * stream ends there, as invalid, with the dialect's error event.
   */
  @Test
  void anEventTheSdkCannotReadEndsTheStreamWithTheErrorEventInItsPlace() throws Exception {
    String begun = "data: {\"a\":1}\n\n";
    for (String invalid :
        List.of("data: {not json\n\n", "data: [DONE]xyz\n\n", "data: [1,2]\n\n", "data:\n\n")) {
      chunks = List.of(Buffer.buffer(begun + invalid + "data: {\"b\":2}\n\ndata: [DONE]\n\n"));
      String text = answer().toString();

      assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as(invalid)
          .isEqualTo(SseRelay.Ended.INVALID);
      assertThat(text).as(invalid).startsWith(begun + "data: {\"error\":").doesNotContain("\"b\"");
      assertThat(text).as(invalid).contains("The stream is incomplete: the provider sent");
    }
  }

  @Test
  void anAnthropicEventOfTwoJsonDataLinesIsInvalid() throws Exception {
    dialect = SseDialect.ANTHROPIC;
    String begun = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
    chunks =
        List.of(
            Buffer.buffer(
                begun
                    + "event: message_delta\ndata: {\"type\":\"message_delta\"}\n"
                    + "data: {\"type\":\"message_stop\"}\n\n"));
    String text = answer().toString();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.INVALID);
    assertThat(text).startsWith(begun + "event: error\ndata: {\"type\":\"error\"");
  }

  /**
   * The client has the whole answer once the provider's last event is relayed: the stream ends
   * completed there, and nothing follows, not even the error of a bound what the provider sends
   * after would pass.
   */
  @Test
  void noErrorEventFollowsTheProvidersLastEvent() throws Exception {
    maxBytes = 40;
    String whole = "data: {\"a\":1}\n\ndata: [DONE]\n\n";
    chunks =
        List.of(Buffer.buffer(whole), Buffer.buffer("data: {\"more\":\"past the bound\"}\n\n"));
    String text = answer().toString();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.COMPLETED);
    assertThat(text).isEqualTo(whole);
  }

  /**
   * The review's probe: a provider's in-band error quoted the operator's key and the client got it
   * as sent. Every line reaches the client with the key taken out, raw or encoded, wherever the
   * chunks cut it, while the metered events are read as the provider sent them.
   */
  @Test
  void theOperatorsKeyIsTakenOutOfEveryLineWhereverChunksCutIt() throws Exception {
    String key = "sk-operator-secret-4f1c9e";
    redactor = Redactor.of(List.of(key));
    String base64 = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    String sent =
        "data: {\"a\":\"Bearer "
            + key
            + "\"}\n\ndata: {\"b\":\""
            + base64
            + "\"}\n\ndata: {\"error\":{\"message\":\"key "
            + key
            + " refused\"}}\n\n";
    String expected =
        "data: {\"a\":\"Bearer [REDACTED]\"}\n\ndata: {\"b\":\"[REDACTED]\"}\n\n"
            + "data: {\"error\":{\"message\":\"key [REDACTED] refused\"}}\n\n";
    byte[] bytes = sent.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut += 3) {
      chunks =
          List.of(
              Buffer.buffer().appendBytes(bytes, 0, cut),
              Buffer.buffer().appendBytes(bytes, cut, bytes.length - cut));
      assertThat(relayed(Buffer.buffer(expected))).as("cut at %d", cut).hasSize(3);
    }
  }

  /**
   * Regression: a stream the provider ended before its last event was relayed as a cleanly ended
   * stream, which an SDK reads as a whole answer, and charged as completed. It ends with the
   * dialect's error event, after a blank line that ends the event the client had begun.
   */
  @Test
  void aStreamEndedBeforeItsLastEventEndsWithTheDialectsErrorEvent() throws Exception {
    String begun = "data: {\"a\":1}\n\n";
    chunks = List.of(Buffer.buffer(begun + "data: {\"b\":2}\ndata: {\"c\":"));
    Buffer answer = answer();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.PROVIDER_CUT);
    String text = answer.toString();
    assertThat(text).startsWith(begun + "data: {\"error\":{").endsWith("}\n\n");
    JsonObject error =
        new JsonObject(text.substring(begun.length() + "data: ".length())).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("server_error");
    assertThat(error.getString("message"))
        .startsWith("The stream is incomplete: the provider's stream ended before its last event");
  }

  @Test
  void anAnthropicStreamEndsWhenItsProviderSentMessageStopOrAnError() throws Exception {
    dialect = SseDialect.ANTHROPIC;
    String stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    String error =
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n";
    String begun = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";

    for (String whole : List.of(begun + stop, begun + error)) {
      chunks = List.of(Buffer.buffer(whole));
      assertThat(answer()).isEqualTo(Buffer.buffer(whole));
    }
    chunks = List.of(Buffer.buffer(begun));
    String cut = answer().toString();

    assertThat(cut).startsWith(begun + "event: error\ndata: {\"type\":\"error\"");
    JsonObject event = new JsonObject(cut.substring(cut.lastIndexOf("data: ") + 6).strip());
    assertThat(event.getJsonObject("error").getString("type")).isEqualTo("api_error");
    assertThat(event.containsKey("request_id")).isFalse();
  }

  /** An answer past the byte bound ends with the error event too, never as a whole answer. */
  @Test
  void aStreamPastTheByteBoundEndsWithTheDialectsErrorEvent() throws Exception {
    maxBytes = 16;
    chunks = List.of(Buffer.buffer("data: {\"a\":1}\n\n"), Buffer.buffer("data: {\"b\":2}\n\n"));
    String text = answer().toString();

    assertThat(ended.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(SseRelay.Ended.TOO_LARGE);
    assertThat(text)
        .startsWith("data: {\"a\":1}\n\ndata: {\"error\":")
        .contains("the answer exceeds the 16 bytes the gateway relays");
  }

  private static List<JsonObject> relay(List<Integer> cuts) throws Exception {
    List<Buffer> cut = new ArrayList<>();
    int from = 0;
    for (int at : cuts) {
      cut.add(Buffer.buffer().appendBytes(STREAM, from, at - from));
      from = at;
    }
    cut.add(Buffer.buffer().appendBytes(STREAM, from, STREAM.length - from));
    chunks = cut;
    return relayed(Buffer.buffer(RELAYED));
  }

  /**
   * Sends a request, reads the relayed answer whole, checks the client received {@code expected}
   * and returns what was metered.
   */
  private static List<JsonObject> relayed(Buffer expected) throws Exception {
    metered.clear();
    Buffer answer = answer();
    assertThat(answer.toString())
        .as("relayed in canonical framing, but the withheld events")
        .isEqualTo(expected.toString());
    synchronized (metered) {
      return List.copyOf(metered);
    }
  }

  /** What the client reads of the relayed stream, whole. */
  private static Buffer answer() throws Exception {
    return client
        .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(request -> request.send().compose(HttpClientResponse::body))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Records each event, and withholds those with a {@code withhold} field. */
  private static final class Recorder implements StreamMeter {
    @Override
    public boolean event(JsonObject data) {
      metered.add(data);
      return !data.containsKey("withhold");
    }

    @Override
    public void unreadable() {
      metered.add(new JsonObject().put("unreadable", true));
    }

    @Override
    public Charge charge(TokenUsage bound, boolean completed) {
      return Charge.atBound(bound);
    }
  }

  /** A provider's answer in the given chunks, all delivered on the context once first resumed. */
  private static final class Chunks implements AnswerBody {
    private final Context context;
    private final List<Buffer> chunks;
    private Handler<Buffer> handler = chunk -> {};
    private Handler<Void> end = done -> {};
    private boolean started;

    Chunks(Context context, List<Buffer> chunks) {
      this.context = context;
      this.chunks = chunks;
    }

    @Override
    public void reset() {}

    @Override
    public AnswerBody exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public AnswerBody handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public AnswerBody pause() {
      return this;
    }

    @Override
    public AnswerBody resume() {
      if (started) {
        return this;
      }
      started = true;
      context.runOnContext(
          start -> {
            chunks.forEach(chunk -> handler.handle(chunk.copy()));
            end.handle(null);
          });
      return this;
    }

    @Override
    public AnswerBody fetch(long amount) {
      return this;
    }

    @Override
    public AnswerBody endHandler(Handler<Void> handler) {
      this.end = handler;
      return this;
    }
  }
}
