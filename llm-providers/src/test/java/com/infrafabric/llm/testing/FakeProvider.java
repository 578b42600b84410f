package com.infrafabric.llm.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model provider on loopback speaking both the OpenAI chat completions (and embeddings) and the
 * Anthropic Messages formats, streamed as server-sent events when the request asks for it (OpenAI's
 * usage chunk only when {@code stream_options.include_usage} is set, as OpenAI does). It answers
 * from a script of behaviours, one per request, then honestly: a completion whose usage is 7 input
 * tokens per message and 5 output tokens. It can refuse (any status, with {@code Retry-After}),
 * fail, hang, lie (a 200 that is not a completion), or end a stream early, cut or with an error.
 * Every request it receives is recorded with its headers, so a test can prove what reached it.
 */
public final class FakeProvider implements AutoCloseable {

  public static final int OUTPUT_TOKENS = 5;
  public static final int INPUT_TOKENS_PER_MESSAGE = 7;

  /** What the provider does with one request. */
  public sealed interface Behaviour {
    record Answer() implements Behaviour {}

    record Status(int status, String retryAfter) implements Behaviour {}

    record Hang() implements Behaviour {}

    record Garbage() implements Behaviour {}

    /**
     * Answers 200 with exactly {@code json}, whole: what a provider sends that the fake's own
     * answers never hold, such as usage it repeats.
     */
    record Body(String json) implements Behaviour {}

    /** Answers with {@code headers} extra headers before its answer: a head no client reads. */
    record HugeHead(int headers) implements Behaviour {}

    /**
     * Answers a completion whose text repeats the key it was sent (the authorization or x-api-key
     * header), raw, in MIME Base64, in hex and percent-encoded: a provider (or a prompt injection
     * through one) reflecting the operator's key.
     */
    record EchoKey() implements Behaviour {}

    /**
     * Refuses with {@code status} in its format, its message quoting the key it was sent (as some
     * providers' "incorrect API key" messages do).
     */
    record RefuseQuotingKey(int status) implements Behaviour {}

    /**
     * Streams the first {@code events} text deltas, then the format's error event, its message
     * quoting the key it was sent.
     */
    record ErrorQuotingKey(int events) implements Behaviour {}

    /**
     * Streams the first {@code events} text deltas of the answer, then stops sending without ending
     * the answer: a provider stalled mid-stream, or one whose client left.
     */
    record StallAfter(int events) implements Behaviour {}

    /** Streams the whole answer, its events {@code gap} apart: a slow provider. */
    record Paced(java.time.Duration gap) implements Behaviour {}

    /**
     * Answers a whole (not streamed) completion in {@code pieces} pieces, {@code gap} apart: a
     * provider that is never silent for long but takes many gaps to send its answer, as a large
     * answer read slowly does.
     */
    record Trickles(java.time.Duration gap, int pieces) implements Behaviour {}

    /** Streams the first {@code events} text deltas, then resets the connection. */
    record CutAfter(int events) implements Behaviour {}

    /**
     * Answers, streamed or not, reporting {@code outputTokens} (any JSON number) as the output's
     * count instead of the {@link #OUTPUT_TOKENS} it made: a provider that miscounts, or lies.
     */
    record Reports(Number outputTokens) implements Behaviour {}

    /**
     * Streams the first {@code events} text deltas, then ends the answer as a whole one ends, but
     * without the format's last event ({@code [DONE]}, {@code message_stop}): a provider that
     * stopped early, or a proxy that closed a stream it did not frame.
     */
    record EndAfter(int events) implements Behaviour {}

    /**
     * Streams the whole answer, its last event ({@code [DONE]}, {@code message_stop}) included,
     * then keeps the answer open for {@code linger}, sends one more text delta and ends: a provider
     * (or a proxy) that does not end its answer with its last event.
     */
    record LingersAfterLast(java.time.Duration linger) implements Behaviour {}

    /**
     * Refuses the request with {@code status}, its body {@code body} of type {@code contentType}: a
     * provider's, or its proxy's, refusal that need not be JSON (an HTML page, plain text).
     */
    record Refuses(int status, String contentType, String body) implements Behaviour {}

    /** Streams the first {@code events} text deltas, then the format's error event, and ends. */
    record ErrorAfter(int events) implements Behaviour {}

    /**
     * Answers, streamed or not, as {@link Answer} does, but over about {@code duration}: a streamed
     * answer's events spread across it, a whole answer (or embeddings) sent once it has passed. A
     * slow provider, or a long answer, giving a test time to act while the call is in flight.
     */
    record Slow(java.time.Duration duration) implements Behaviour {}

    /**
     * Answers as {@code then} does once {@code delay} has passed, saying nothing before: a provider
     * whose refusal or error comes late, giving a test time to act while the call is in flight.
     */
    record Late(java.time.Duration delay, Behaviour then) implements Behaviour {}

    /**
     * Streams exactly {@code events} (each a whole server-sent event, its blank line included),
     * then ends: what a provider sends that the fake's own answers never hold, such as usage it
     * reports twice or counts no call can use.
     */
    record Streams(List<String> events) implements Behaviour {
      public Streams {
        events = List.copyOf(events);
      }
    }

    /**
     * Streams about {@code bytes} of extra text deltas before the answer's own, each written only
     * while the connection's write queue has room, and waits for it to drain when it fills: a long
     * answer from a provider that honours backpressure, observable through {@link
     * FakeProvider#flooded()}; OpenAI format only.
     */
    record Flood(long bytes) implements Behaviour {}
  }

  /** The streamed answer's text, one delta per word: {@link #OUTPUT_TOKENS} tokens as reported. */
  public static final List<String> STREAMED_WORDS =
      List.of("fake ", "streamed ", "answer ", "from ", "loopback");

  /**
   * What {@link Behaviour.Flood} streams have written, and how often they found the write queue
   * full and waited for it to drain.
   */
  public record Flooded(AtomicLong bytes, AtomicInteger holds) {}

  /** How many connections were opened to the provider, and how many of them have closed. */
  public record Connections(AtomicInteger opened, AtomicInteger closed) {}

  /** One request as received. */
  public record Received(String path, MultiMap headers, JsonObject body) {}

  /**
   * The socket's send buffer, fixed so the kernel cannot grow it to megabytes: what a flood has
   * written is then close to what its reader has taken.
   */
  private static final int SEND_BUFFER_BYTES = 64 * 1024;

  /** How many of the latest requests {@link #start()}'s fake keeps for {@link #received()}. */
  public static final int RECORDED = 10_000;

  private final Vertx vertx;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();

  /** The latest {@link #kept} requests, oldest first; guarded by itself. */
  private final ArrayDeque<Received> received = new ArrayDeque<>();

  private final int kept;

  private final Flooded flooded = new Flooded(new AtomicLong(), new AtomicInteger());
  private final Connections connections = new Connections(new AtomicInteger(), new AtomicInteger());

  private FakeProvider(int kept) {
    this.kept = kept;
    this.vertx = Vertx.vertx();
    this.server =
        vertx
            // Without h2c detection a connection is counted when it opens, not at its first bytes.
            .createHttpServer(
                new HttpServerOptions()
                    .setSendBufferSize(SEND_BUFFER_BYTES)
                    .setHttp2ClearTextEnabled(false))
            .connectionHandler(
                connection -> {
                  connections.opened().incrementAndGet();
                  connection.closeHandler(closed -> connections.closed().incrementAndGet());
                })
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .await();
  }

  /** A fake that keeps its latest {@value #RECORDED} requests for the test to inspect. */
  public static FakeProvider start() {
    return new FakeProvider(RECORDED);
  }

  /**
   * A fake that keeps none of its requests, for the load harnesses: they send hundreds of thousands
   * and read none back. Keeping them grew a harness's heap past half a gigabyte in a minute, and
   * even the latest 10,000 (about 17 MB of headers and bodies) were copied at every young
   * collection while they aged, 16 MB of survivors that made G1's pauses tens of milliseconds: the
   * latencies measured the fake's memory, not the gateway.
   */
  public static FakeProvider startUnrecorded() {
    return new FakeProvider(0);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public int port() {
    return server.actualPort();
  }

  /** The next requests get these behaviours, in order; later ones are answered. */
  public FakeProvider then(Behaviour... behaviours) {
    script.addAll(List.of(behaviours));
    return this;
  }

  /**
   * Forgets behaviours no request took: a test that scripted a failure its call never reached (its
   * budget refused first, say) must not hand that failure to the next test's call.
   */
  public void forgetScript() {
    script.clear();
  }

  /** What flood streams have written so far, and how often they were held. */
  public Flooded flooded() {
    return flooded;
  }

  /** The connections opened to the provider so far, and those of them closed. */
  public Connections connections() {
    return connections;
  }

  /**
   * The latest requests received, oldest first: up to {@value #RECORDED}, or none if unrecorded.
   */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  private void record(Received request) {
    if (kept == 0) {
      return;
    }
    synchronized (received) {
      if (received.size() == kept) {
        received.removeFirst();
      }
      received.addLast(request);
    }
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject json = body.toJsonObject();
              record(new Received(request.path(), request.headers(), json));
              Behaviour next = script.poll();
              if (next instanceof Behaviour.Slow slow && !json.getBoolean("stream", false)) {
                vertx.setTimer(
                    slow.duration().toMillis(),
                    late -> respond(request, json, new Behaviour.Answer()));
                return;
              }
              if (next instanceof Behaviour.Late late) {
                vertx.setTimer(late.delay().toMillis(), now -> respond(request, json, late.then()));
                return;
              }
              respond(request, json, next);
            });
  }

  /** Answers {@code request} as {@code next} says. */
  private void respond(HttpServerRequest request, JsonObject json, Behaviour next) {
    if (request.path().endsWith("/embeddings")) {
      embeddings(request, json);
    } else if (next instanceof Behaviour.Status status) {
      if (status.retryAfter() != null) {
        request.response().putHeader("retry-after", status.retryAfter());
      }
      request.response().setStatusCode(status.status()).end("{\"error\":\"scripted\"}");
    } else if (next instanceof Behaviour.Refuses refuses) {
      request
          .response()
          .setStatusCode(refuses.status())
          .putHeader("content-type", refuses.contentType())
          .end(refuses.body());
    } else if (next instanceof Behaviour.RefuseQuotingKey refusal) {
      request
          .response()
          .setStatusCode(refusal.status())
          .putHeader("content-type", "application/json")
          .end(
              FakeStream.error(
                      request.path().endsWith("/messages"),
                      "invalid_request_error",
                      "Incorrect API key provided: " + sentKey(request))
                  .encode());
    } else if (next instanceof Behaviour.HugeHead huge) {
      for (int i = 0; i < huge.headers(); i++) {
        request.response().putHeader("x-fake-" + i, "a header of the fake's long head");
      }
      answer(request, json, "fake answer", OUTPUT_TOKENS);
    } else if (next instanceof Behaviour.Garbage) {
      request.response().end("{\"choices\":\"none\"}");
    } else if (next instanceof Behaviour.Body body) {
      request.response().putHeader("content-type", "application/json").end(body.json());
    } else if (next instanceof Behaviour.Hang) {
      return;
    } else if (next instanceof Behaviour.Trickles trickles && !json.getBoolean("stream", false)) {
      trickle(request, reply(request, json, "fake answer", OUTPUT_TOKENS).toBuffer(), trickles);
    } else if (json.getBoolean("stream", false)) {
      new FakeStream(vertx, request, json, flooded).send(next);
    } else if (next instanceof Behaviour.EchoKey) {
      answer(request, json, echoedKey(request), OUTPUT_TOKENS);
    } else {
      answer(
          request,
          json,
          "fake answer from " + json.getString("model"),
          next instanceof Behaviour.Reports reports ? reports.outputTokens() : OUTPUT_TOKENS);
    }
  }

  private static void embeddings(HttpServerRequest request, JsonObject body) {
    Object input = body.getValue("input");
    int inputs = input instanceof JsonArray array ? array.size() : 1;
    JsonArray data = new JsonArray();
    for (int i = 0; i < inputs; i++) {
      data.add(
          new JsonObject()
              .put("object", "embedding")
              .put("index", i)
              .put("embedding", new JsonArray().add(0.25).add(-0.5)));
    }
    int tokens = INPUT_TOKENS_PER_MESSAGE * inputs;
    JsonObject reply =
        new JsonObject()
            .put("object", "list")
            .put("data", data)
            .put("model", body.getString("model"))
            .put(
                "usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
    request.response().putHeader("content-type", "application/json").end(reply.encode());
  }

  static int inputTokens(JsonObject body) {
    return INPUT_TOKENS_PER_MESSAGE * body.getJsonArray("messages").size();
  }

  /**
   * OpenAI's {@code total_tokens} of {@code input} and {@code output}: their sum, so a usage whose
   * output is a lie ({@link Behaviour.Reports}) lies about nothing else.
   */
  static Number totalTokens(int input, Number output) {
    return output instanceof Integer || output instanceof Long
        ? (Number) (input + output.longValue())
        : (Number) (input + output.doubleValue());
  }

  /** The key header's value as the provider received it. */
  static String sentKey(HttpServerRequest request) {
    return request.getHeader("x-api-key") != null
        ? request.getHeader("x-api-key")
        : request.getHeader("authorization");
  }

  private static String echoedKey(HttpServerRequest request) {
    String key = sentKey(request);
    byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    StringBuilder percent = new StringBuilder();
    for (byte b : bytes) {
      percent.append(String.format("%%%02X", b));
    }
    return "Sure, your key is "
        + key
        + "\n"
        + java.util.Base64.getMimeEncoder().encodeToString(("{\"key\":\"" + key + "\"}").getBytes())
        + "\nhex "
        + java.util.HexFormat.of().formatHex(bytes)
        + "\nurl "
        + percent;
  }

  /** Writes {@code answer} in {@code trickles.pieces()} pieces, {@code trickles.gap()} apart. */
  private void trickle(
      HttpServerRequest request, io.vertx.core.buffer.Buffer answer, Behaviour.Trickles trickles) {
    request.response().setChunked(true).putHeader("content-type", "application/json").writeHead();
    int piece = Math.max(1, (answer.length() + trickles.pieces() - 1) / trickles.pieces());
    writePiece(request, answer, 0, piece, trickles.gap().toMillis());
  }

  private void writePiece(
      HttpServerRequest request,
      io.vertx.core.buffer.Buffer answer,
      int from,
      int piece,
      long gap) {
    int to = Math.min(answer.length(), from + piece);
    if (to == answer.length()) {
      request.response().end(answer.getBuffer(from, to));
      return;
    }
    request.response().write(answer.getBuffer(from, to));
    vertx.setTimer(gap, next -> writePiece(request, answer, to, piece, gap));
  }

  private static void answer(
      HttpServerRequest request, JsonObject body, String text, Number outputTokens) {
    request
        .response()
        .putHeader("content-type", "application/json")
        .end(reply(request, body, text, outputTokens).encode());
  }

  /** A whole answer to {@code body} in the format of {@code request}'s path. */
  private static JsonObject reply(
      HttpServerRequest request, JsonObject body, String text, Number outputTokens) {
    int input = inputTokens(body);
    JsonObject reply =
        request.path().endsWith("/messages")
            ? new JsonObject()
                .put("id", "msg_fake")
                .put("type", "message")
                .put("role", "assistant")
                .put("model", body.getString("model"))
                .put(
                    "content",
                    new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
                .put("stop_reason", "end_turn")
                .putNull("stop_sequence")
                .put(
                    "usage",
                    new JsonObject().put("input_tokens", input).put("output_tokens", outputTokens))
            : new JsonObject()
                .put("id", "chatcmpl-fake")
                .put("object", "chat.completion")
                .put("created", 1_700_000_000L)
                .put("model", body.getString("model"))
                .put(
                    "choices",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("index", 0)
                                .put(
                                    "message",
                                    new JsonObject()
                                        .put("role", "assistant")
                                        .put("content", text)
                                        .putNull("refusal"))
                                .putNull("logprobs")
                                .put("finish_reason", "stop")))
                .put(
                    "usage",
                    new JsonObject()
                        .put("prompt_tokens", input)
                        .put("completion_tokens", outputTokens)
                        .put("total_tokens", totalTokens(input, outputTokens)));
    return reply;
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
