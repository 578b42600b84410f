package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.LogCapture;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway under concurrency and hostile input: parallel streamed calls on a cap that fits only
 * some cannot overspend it; a caller that stops reading holds the provider back; bad bodies get a
 * clear error in the caller's dialect and charge nothing; neither the caller's token nor the
 * operator's key shows in an answer or a log.
 */
@Timeout(180)
class GatewayLimitsTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** A streamed call whose bound is the fake provider's whole answer, so the cap binds on spend. */
  private static final ChatCompletionCreateParams SHORT_CALL =
      ChatCompletionCreateParams.builder()
          .model("gpt-test")
          .addUserMessage("Parallel")
          .maxCompletionTokens(FakeProvider.OUTPUT_TOKENS)
          .build();

  /**
   * The slow caller's socket buffer, fixed so the kernel does not hold megabytes for it; large
   * enough that reading the answer afterwards is quick.
   */
  private static final int CALLER_RECEIVE_BUFFER_BYTES = 256 * 1024;

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /**
   * The concurrency case: 64 streamed calls at once through the official SDK on a cap that
   * fits only about twenty answers, every fourth caller leaving after its first chunk, a caller the
   * service sheds (503) trying again as a client honouring {@code Retry-After} would. The cap
   * holds, every reservation is settled, and the ledger agrees with the counters.
   */
  @Test
  void concurrentStreamedCallsOnASmallCapNeverOverspendItAndLeaveNothingReserved()
      throws InterruptedException {
    int calls = 64;
    long one =
        RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, FakeProvider.OUTPUT_TOKENS);
    long cap = Math.max(one * 20, worstCaseOfOneCall(SHORT_CALL));
    String scope = RIG.fundedScope(cap);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));

    List<Streamed> outcomes =
        Concurrently.run(
            calls, Duration.ofSeconds(150), i -> () -> streamUntilAnswered(client, i % 4 == 3));

    long finished = outcomes.stream().filter(Streamed.FINISHED::equals).count();
    long left = outcomes.stream().filter(Streamed.LEFT::equals).count();
    assertThat(finished + left).as(outcomes.toString()).isPositive();
    assertThat(outcomes).as("the cap fits only some").contains(Streamed.REFUSED);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
    long spent = RIG.spentAndReserved(scope)[0];
    assertThat(spent).isBetween(finished * one, (finished + left) * one).isLessThanOrEqualTo(cap);
    String tenant = scope.split("/", 2)[0];
    JsonObject report =
        new JsonObject(
            RIG.governor
                .call(
                    "GET",
                    "/v1/ledger/" + tenant + "/reconciliation",
                    RIG.governor.auditor(tenant),
                    null)
                .body());
    assertThat(report.getBoolean("consistent")).as(report.encode()).isTrue();
  }

  /** How one streamed call of the concurrency case went. */
  private enum Streamed {
    FINISHED,
    LEFT,
    REFUSED
  }

  private static Streamed streamUntilAnswered(OpenAIClient client, boolean leaveEarly)
      throws InterruptedException {
    while (true) {
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(SHORT_CALL)) {
        Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
        if (leaveEarly) {
          chunks.next();
          return Streamed.LEFT;
        }
        chunks.forEachRemaining(chunk -> {});
        return Streamed.FINISHED;
      } catch (RateLimitException budget) {
        assertThat(budget).hasMessageContaining("Budget exceeded");
        return Streamed.REFUSED;
      } catch (InternalServerException shed) {
        assertThat(shed.statusCode()).as(shed.getMessage()).isEqualTo(503);
        Thread.sleep(ThreadLocalRandom.current().nextLong(20, 200));
      }
    }
  }

  /**
   * A caller that stops reading a long stream holds the provider back instead of the gateway
   * buffering the answer: the fake provider's write queue fills and its writes stop well short of
   * the answer, and once the caller reads again every byte arrives and the call is settled.
   */
  @Test
  void aCallerThatStopsReadingHoldsTheProviderBackRatherThanBeingBuffered() throws Exception {
    long answer = 15L << 20;
    String scope = RIG.fundedScope(1_000_000);
    FakeProvider.Flooded flooded = RIG.primary.flooded();
    long before = flooded.bytes().get();
    int holdsBefore = flooded.holds().get();
    RIG.primary.then(new FakeProvider.Behaviour.Flood(answer));
    byte[] body =
        body("gpt-test", "max_tokens", 1000)
            .put("stream", true)
            .encode()
            .getBytes(StandardCharsets.UTF_8);

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(CALLER_RECEIVE_BUFFER_BYTES);
      socket.connect(new InetSocketAddress("127.0.0.1", RIG.governor.service.port()));
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + GatewayRoutes.OPENAI
                  + "/chat/completions HTTP/1.1\r\n"
                  + "host: 127.0.0.1\r\n"
                  + "authorization: Bearer "
                  + RIG.agent(scope)
                  + "\r\n"
                  + "content-type: application/json\r\n"
                  + "idempotency-key: "
                  + UUID.randomUUID()
                  + "\r\n"
                  + "connection: close\r\n"
                  + "content-length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

      long held = heldWrites(flooded);
      assertThat(flooded.holds().get()).isGreaterThan(holdsBefore);
      assertThat(held - before)
          .as("written while the caller was not reading")
          .isLessThan(answer * 3 / 4);

      byte[] rest = in.readAllBytes();
      assertThat(head.length + rest.length).isGreaterThan((int) answer);
      assertThat(new String(rest, rest.length - 200, 200, StandardCharsets.UTF_8))
          .contains("data: [DONE]");
    }
    assertThat(flooded.bytes().get() - before).isGreaterThanOrEqualTo(answer);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
  }

  /** What the flood had written once its writes stopped moving for a second. */
  private static long heldWrites(FakeProvider.Flooded flooded) {
    AtomicLong last = new AtomicLong(-1);
    await("the provider stops writing to a caller that is not reading")
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> last.getAndSet(flooded.bytes().get()) == last.get());
    return last.get();
  }

  @Test
  void badBodiesAreClearErrorsInTheCallersDialectAndChargeNothing() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    String chat = GatewayRoutes.OPENAI + "/chat/completions";
    String messages = GatewayRoutes.ANTHROPIC + "/v1/messages";

    assertError(send(chat, token, "{\"model\": \"gpt-test\", \"messages\": ["), 400, "openai");
    assertError(send(chat, token, body("gpt-test", "max_tokens", -5).encode()), 400, "openai");
    assertError(
        send(chat, token, body("gpt-test", "max_tokens", 1L << 40).encode()), 400, "openai");
    assertError(send(chat, token, body("no-such-model", "max_tokens", 5).encode()), 404, "openai");
    assertError(
        send(chat, token, new JsonObject().put("model", "gpt-test").encode()), 400, "openai");
    assertError(send(messages, token, "[1,2]"), 400, "anthropic");
    assertError(
        send(messages, token, body("claude-test", "max_tokens", 0).encode()), 400, "anthropic");
    assertError(
        send(chat, "ifk_unknown-virtual-key", body("gpt-test", "max_tokens", 5).encode()),
        401,
        "openai");
    assertError(
        send(chat, "not-a-token", body("gpt-test", "max_tokens", 5).encode()), 401, "openai");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.primary.received()).noneMatch(r -> r.body().encode().contains("no-such-model"));
  }

  /**
   * An embedding whose answer is surely past what the gateway relays (inputs x dimensions, each
   * number at least a float32's digits) is refused before anything is reserved, saying how large;
   * base64 makes the same call small enough.
   */
  @Test
  void anEmbeddingCallWhoseAnswerCannotBeRelayedIsRefusedBeforeItIsCharged() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    String embeddings = GatewayRoutes.OPENAI + "/embeddings";
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < 512; i++) {
      inputs.add("text " + i);
    }
    JsonObject call =
        new JsonObject().put("model", "emb-test").put("input", inputs).put("dimensions", 3072);

    HttpResponse<String> refused = send(embeddings, token, call.encode());

    assertError(refused, 400, "openai");
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
        .contains("512 inputs of 3072 dimensions")
        .contains("nothing was charged");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    int received = RIG.primary.received().size();
    HttpResponse<String> base64 =
        send(embeddings, token, call.copy().put("encoding_format", "base64").encode());
    assertThat(base64.statusCode()).as(base64.body()).isEqualTo(200);
    assertThat(RIG.primary.received()).hasSize(received + 1);
  }

  /**
   * Regression: the answer's size was bounded only when the call named {@code dimensions}. 2048
   * texts at the model's default size (a legitimate ~44 MB answer) were sent, charged the whole
   * reservation and answered 502 "the answer exceeds 16777216 bytes". Without {@code dimensions}
   * each embedding is now counted at {@value OpenAiEmbeddingsWire#DEFAULT_DIMENSIONS} numbers, and
   * such a call is refused before anything is reserved or sent.
   */
  @Test
  void
      anEmbeddingCallWithoutDimensionsWhoseDefaultAnswerCannotBeRelayedIsRefusedBeforeItIsCharged() {
    String scope = RIG.fundedScope(1_000_000);
    JsonArray inputs = new JsonArray();
    for (int i = 0; i < OpenAiEmbeddingsWire.MAX_INPUTS; i++) {
      inputs.add("text " + i);
    }
    int received = RIG.primary.received().size();

    HttpResponse<String> refused =
        send(
            GatewayRoutes.OPENAI + "/embeddings",
            RIG.agent(scope),
            new JsonObject().put("model", "emb-test").put("input", inputs).encode());

    assertError(refused, 400, "openai");
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("param")).isEqualTo("input");
    assertThat(error.getString("message"))
        .contains("2048 inputs of the model's default dimensions (counted as 3072")
        .contains("gateway.maxAnswerBytes")
        .contains("nothing was charged");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.primary.received()).hasSize(received);
  }

  /**
   * A provider that answers, but not with an answer the gateway can relay, was still called: the
   * call is charged as reserved, and the caller told so, with the amount, in the header and the
   * message.
   */
  @Test
  void anAnswerThatCannotBeRelayedIsChargedAsReservedAndSaysHowMuch() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new FakeProvider.Behaviour.Garbage());

    HttpResponse<String> failed =
        send(
            GatewayRoutes.OPENAI + "/chat/completions",
            RIG.agent(scope),
            body("gpt-test", "max_tokens", 5).encode());

    assertError(failed, 502, "openai");
    long charged =
        Long.parseLong(failed.headers().firstValue("x-budget-charged-micros").orElseThrow());
    assertThat(charged).isEqualTo(RIG.spentAndReserved(scope)[0]).isPositive();
    assertThat(new JsonObject(failed.body()).getJsonObject("error").getString("message"))
        .contains("not a complete answer with usage")
        .contains("charged as reserved, " + charged + " micro-dollars");
  }

  @Test
  void aCallForSeveralAnswersReservesTheBoundOfEach() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    String chat = GatewayRoutes.OPENAI + "/chat/completions";

    long one = reserved(send(chat, token, body("gpt-test", "max_tokens", 100).encode()));
    long three =
        reserved(send(chat, token, body("gpt-test", "max_tokens", 100).put("n", 3).encode()));

    assertThat(three - one).isGreaterThanOrEqualTo(2 * RIG.cost("gpt-test", 0, 100));
    assertError(
        send(chat, token, body("gpt-test", "max_tokens", 100).put("n", 17).encode()),
        400,
        "openai");
  }

  private static long reserved(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Long.parseLong(response.headers().firstValue("x-budget-reserved-micros").orElseThrow());
  }

  /**
   * Regression: a wide body (here 200,000 empty objects) was built into a tree many times its size
   * before it was refused. The parser stops at a call's bound of objects and arrays; the refusal is
   * in the caller's dialect and reserves nothing.
   */
  @Test
  void aWideBodyIsRefusedByTheParserInTheCallersDialect() {
    String scope = RIG.fundedScope(1_000_000);
    StringBuilder wide =
        new StringBuilder(
            "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x\":[{}");
    for (int i = 1; i < 200_000; i++) {
      wide.append(",{}");
    }

    HttpResponse<String> refused =
        send(
            GatewayRoutes.OPENAI + "/chat/completions",
            RIG.agent(scope),
            wide.append("]}").toString());

    assertThat(refused.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("invalid_request_error");
    assertThat(error.getString("message")).contains("more than 32768 objects and arrays");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void aBodyBeyondTheLimitIsRefusedBeforeItIsRead() throws IOException {
    String scope = RIG.fundedScope(1_000_000);
    String start = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"";

    // Announces a 50 MB body and sends only its first bytes: the answer must come before the rest.
    // (An HTTP client sending all of it races the server's early answer and close into a reset.)
    String answer = announceAndRead(RIG.agent(scope), 50L << 20, start + "x".repeat(1 << 16));

    assertThat(answer).startsWith("HTTP/1.1 413 ");
    String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertThat(new JsonObject(body).getJsonObject("error").getString("type"))
        .isEqualTo("invalid_request_error");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * Sends a chat completion's head announcing {@code contentLength} bytes and then only {@code
   * prefix}, and reads the answer until the server closes the connection.
   */
  private static String announceAndRead(String token, long contentLength, String prefix)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", RIG.governor.service.port())) {
      socket.setSoTimeout(30_000);
      String head =
          "POST "
              + GatewayRoutes.OPENAI
              + "/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + token
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + contentLength
              + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write((head + prefix).getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void neitherTheCallersTokenNorTheOperatorsKeyShowsInAnswersOrLogs() {
    String scope = RIG.fundedScope(100);
    String token = RIG.agent(scope);
    List<String> answers = new ArrayList<>();
    try (LogCapture logs = LogCapture.start()) {
      RIG.primary.then(new FakeProvider.Behaviour.Status(500, null));
      answers.add(
          send(
                  GatewayRoutes.OPENAI + "/chat/completions",
                  token,
                  body("gpt-test", "max_tokens", 5).encode())
              .body());
      answers.add(
          send(
                  GatewayRoutes.OPENAI + "/chat/completions",
                  token,
                  body("gpt-test", "max_tokens", 5000).encode())
              .body());
      answers.add(send(GatewayRoutes.ANTHROPIC + "/v1/messages", token, "{").body());
      answers.add(send(GatewayRoutes.OPENAI + "/chat/completions", token + "x", "{}").body());

      String everything = String.join("\n", answers) + logs.text();
      assertThat(everything)
          .doesNotContain(token)
          .doesNotContain(GatewayFixture.OPERATOR_KEY)
          .doesNotContain(GatewayFixture.BACKUP_KEY);
    }
  }

  /**
   * The review's probe: a provider whose refusal (400, either format) or in-band stream error
   * quoted the key it was sent had the operator's key relayed to the caller. Whatever a provider
   * sends back, refused, streamed or whole, reaches the caller with the key taken out, in each
   * encoding the redactor knows.
   */
  @Test
  void aProviderQuotingTheOperatorsKeyNeverPassesItOn() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    String chat = GatewayRoutes.OPENAI + "/chat/completions";
    JsonObject anthropic =
        new JsonObject()
            .put("model", "claude-test")
            .put("max_tokens", 5)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    List<HttpResponse<String>> answers = new ArrayList<>();
    try (LogCapture logs = LogCapture.start()) {
      RIG.primary.then(new FakeProvider.Behaviour.RefuseQuotingKey(400));
      answers.add(send(chat, token, body("gpt-test", "max_tokens", 5).encode()));
      RIG.primary.then(new FakeProvider.Behaviour.RefuseQuotingKey(422));
      answers.add(send(GatewayRoutes.ANTHROPIC + "/v1/messages", token, anthropic.encode()));
      RIG.primary.then(new FakeProvider.Behaviour.ErrorQuotingKey(2));
      answers.add(
          send(chat, token, body("gpt-test", "max_tokens", 5).put("stream", true).encode()));
      RIG.primary.then(new FakeProvider.Behaviour.ErrorQuotingKey(1));
      answers.add(
          send(
              GatewayRoutes.ANTHROPIC + "/v1/messages",
              token,
              anthropic.put("stream", true).encode()));
      RIG.primary.then(new FakeProvider.Behaviour.EchoKey());
      answers.add(send(chat, token, body("gpt-test", "max_tokens", 5).encode()));

      assertThat(answers)
          .extracting(HttpResponse::statusCode)
          .containsExactly(400, 422, 200, 200, 200);
      String everything =
          answers.stream().map(HttpResponse::body).collect(Collectors.joining("\n")) + logs.text();
      assertThat(everything).contains("Incorrect API key provided: Bearer [REDACTED]");
      assertThat(everything).contains("key [REDACTED] was refused mid-stream");
      assertThat(everything).contains("Sure, your key is Bearer [REDACTED]");
      String key = GatewayFixture.OPERATOR_KEY;
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      StringBuilder percent = new StringBuilder();
      for (byte b : bytes) {
        percent.append(String.format("%%%02X", b));
      }
      String echoedBase64 =
          Base64.getEncoder()
              .encodeToString(
                  ("{\"key\":\"Bearer " + key + "\"}").getBytes(StandardCharsets.UTF_8));
      assertThat(everything)
          .doesNotContain(key)
          .doesNotContainIgnoringCase(HexFormat.of().formatHex(bytes))
          .doesNotContain(percent.toString())
          .doesNotContain(echoedBase64.substring(0, 40));
    }
  }

  private static void assertError(HttpResponse<String> response, int status, String dialect) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonObject body = new JsonObject(response.body());
    if (dialect.equals("openai")) {
      assertThat(body.getJsonObject("error").getString("message")).as(response.body()).isNotBlank();
      assertThat(body.getJsonObject("error").getString("type")).isNotBlank();
    } else {
      assertThat(body.getString("type")).isEqualTo("error");
      assertThat(body.getJsonObject("error").getString("type")).isNotBlank();
    }
    assertThat(response.headers().firstValue("X-Error-Code")).isPresent();
  }

  private static JsonObject body(String model, String bound, long value) {
    return new JsonObject()
        .put("model", model)
        .put(bound, value)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  private static HttpResponse<String> send(String path, String token, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RIG.governor.service.port() + path))
            .header("authorization", "Bearer " + token)
            .header("content-type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** What one SDK call's reservation holds, as the gateway's header tells the SDK. */
  private static long worstCaseOfOneCall(ChatCompletionCreateParams call) {
    String scope = RIG.fundedScope(1_000_000_000L);
    return Long.parseLong(
        RIG.openAi(RIG.agent(scope))
            .chat()
            .completions()
            .withRawResponse()
            .create(call)
            .headers()
            .values("x-budget-reserved-micros")
            .get(0));
  }
}
