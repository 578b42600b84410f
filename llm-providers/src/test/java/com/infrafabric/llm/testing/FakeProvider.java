package com.infrafabric.llm.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A model provider on loopback speaking both the OpenAI chat completions and the Anthropic Messages
 * formats. It answers from a script of behaviours, one per request, then honestly: a completion
 * whose usage is 7 input tokens per message and 5 output tokens. It can refuse (any status, with
 * {@code Retry-After}), fail, hang, or lie (a 200 that is not a completion). Every request it
 * receives is recorded with its headers, so a test can prove what reached it.
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
     * Answers a completion whose text repeats the key it was sent (the authorization or x-api-key
     * header), raw, in MIME Base64, in hex and percent-encoded: a provider (or a prompt injection
     * through one) reflecting the operator's key.
     */
    record EchoKey() implements Behaviour {}
  }

  /** One request as received. */
  public record Received(String path, MultiMap headers, JsonObject body) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private FakeProvider() {
    this.vertx = Vertx.vertx();
    this.server =
        vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  public static FakeProvider start() {
    return new FakeProvider();
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

  public List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              JsonObject json = body.toJsonObject();
              received.add(new Received(request.path(), request.headers(), json));
              Behaviour next = script.poll();
              if (next == null || next instanceof Behaviour.Answer) {
                answer(request, json, "fake answer from " + json.getString("model"));
              } else if (next instanceof Behaviour.EchoKey) {
                answer(request, json, echoedKey(request));
              } else if (next instanceof Behaviour.Status status) {
                if (status.retryAfter() != null) {
                  request.response().putHeader("retry-after", status.retryAfter());
                }
                request.response().setStatusCode(status.status()).end("{\"error\":\"scripted\"}");
              } else if (next instanceof Behaviour.Garbage) {
                request.response().end("{\"choices\":\"none\"}");
              }
            });
  }

  private static String echoedKey(HttpServerRequest request) {
    String key =
        request.getHeader("x-api-key") != null
            ? request.getHeader("x-api-key")
            : request.getHeader("authorization");
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

  private static void answer(HttpServerRequest request, JsonObject body, String text) {
    int input = INPUT_TOKENS_PER_MESSAGE * body.getJsonArray("messages").size();
    JsonObject reply =
        request.path().endsWith("/messages")
            ? new JsonObject()
                .put("model", body.getString("model"))
                .put(
                    "content",
                    new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
                .put("stop_reason", "end_turn")
                .put(
                    "usage",
                    new JsonObject().put("input_tokens", input).put("output_tokens", OUTPUT_TOKENS))
            : new JsonObject()
                .put("model", body.getString("model"))
                .put(
                    "choices",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put(
                                    "message",
                                    new JsonObject().put("role", "assistant").put("content", text))
                                .put("finish_reason", "stop")))
                .put(
                    "usage",
                    new JsonObject()
                        .put("prompt_tokens", input)
                        .put("completion_tokens", OUTPUT_TOKENS));
    request.response().putHeader("content-type", "application/json").end(reply.encode());
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
  }
}
