package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ErrorShapeTest {

  static final ErrorCode BUDGET_SCOPE_UNKNOWN = new ErrorCode("BUDGET_SCOPE_UNKNOWN", 422);
  static final ErrorCode TOOL_GONE = new ErrorCode("TOOL_GONE", 410);

  /** A service's own exception, which only its {@link ErrorTranslator} knows how to answer. */
  static final class ToolGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolGone(String message) {
      super(message);
    }
  }

  static Throwable translate(Throwable failure) {
    return failure instanceof ToolGone gone
        ? ApiException.of(TOOL_GONE, gone.getMessage())
        : failure;
  }

  @TempDir Path dir;
  private ServiceFixture fixture;
  private String token;

  @BeforeEach
  void start() {
    fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .settings(HttpSettings.defaults().withPort(0).withMaxBodyBytes(64))
                    .errors(ErrorShapeTest::translate)
                    .routes(
                        routes ->
                            routes
                                .post(
                                    "/v1/echo",
                                    Access.authenticated(),
                                    ctx -> ctx.json(Requests.jsonBody(ctx)))
                                .get(
                                    "/v1/scopes/:scope",
                                    Access.authenticated(),
                                    ctx -> {
                                      throw ApiException.of(
                                          BUDGET_SCOPE_UNKNOWN,
                                          "No budget scope has this name.",
                                          Map.of("scope", ctx.pathParam("scope")));
                                    })
                                .get(
                                    "/v1/gone/thrown",
                                    Access.authenticated(),
                                    ctx -> {
                                      throw new ToolGone("echo@1 was deleted.");
                                    })
                                .get(
                                    "/v1/gone/later",
                                    Access.authenticated(),
                                    ctx ->
                                        Responses.respond(
                                            ctx,
                                            200,
                                            Future.failedFuture(
                                                new ToolGone("echo@2 was deleted.")),
                                            ignored -> new JsonObject()))
                                .get(
                                    "/v1/gone/rendering",
                                    Access.authenticated(),
                                    ctx ->
                                        Responses.respond(
                                            ctx,
                                            200,
                                            Future.succeededFuture("echo@3"),
                                            tool -> {
                                              throw new ToolGone(tool + " was deleted.");
                                            }))
                                .get(
                                    "/v1/boom",
                                    Access.authenticated(),
                                    ctx -> {
                                      throw new IllegalStateException("internal detail 42");
                                    })));
    token = fixture.tokens.valid("alice");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void everyAnswerIsNeitherSniffedNorStored() {
    for (HttpResponse<String> answer :
        List.of(
            fixture.client.post("/v1/echo", token, "application/json", "{\"a\":1}"),
            fixture.client.get("/v1/scopes/x", token),
            fixture.client.get("/v1/nothing-here", token),
            fixture.client.get("/health/live", null))) {
      assertThat(answer.headers().firstValue("x-content-type-options"))
          .as(answer.uri().getPath())
          .contains("nosniff");
      assertThat(answer.headers().firstValue("cache-control"))
          .as(answer.uri().getPath())
          .contains("no-store");
    }
  }

  @Test
  void answersUnknownPathsAndMethodsInTheJsonShape() throws IOException {
    HttpResponse<String> missing = fixture.client.get("/v1/nothing-here", token);
    assertError(missing, 404, "NOT_FOUND");

    for (String undecodable : List.of("/v1/scopes/%zz", "/health/%zz")) {
      String answer =
          raw("GET " + undecodable + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(answer)
          .as(undecodable)
          .startsWith("HTTP/1.1 400")
          .contains("application/json")
          .contains("MALFORMED_REQUEST");
    }

    HttpResponse<String> wrongMethod = fixture.client.send("DELETE", "/v1/echo", token, Map.of());
    assertError(wrongMethod, 405, "METHOD_NOT_ALLOWED");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    HttpResponse<String> templated =
        fixture.client.send("POST", "/v1/scopes/acme", token, Map.of(), "{}");
    assertThat(templated.statusCode()).isEqualTo(405);
    assertThat(templated.headers().firstValue("Allow")).hasValue("GET");
  }

  /**
   * A Transfer-Encoding other than chunked frames no body: the bytes sent as one would be read as
   * the next request on the connection. It is refused and the connection closed, so the smuggled
   * request is never served.
   */
  @Test
  void aTransferEncodingOtherThanChunkedIsRefusedAndTheConnectionClosed() throws IOException {
    String smuggled = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    String answer =
        raw(
            "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n"
                + smuggled);

    assertThat(answer).startsWith("HTTP/1.1 400").contains("MALFORMED_REQUEST");
    assertThat(answer).as("only one answer: the smuggled request never ran").doesNotContain("UP");
  }

  /**
   * A chunk the codec cannot frame is a 400 and a closed connection, whether it arrives with the
   * head (the request is still held, authenticated) or once the body is being read.
   */
  @Test
  void aMalformedChunkIsRefusedWhenEverItArrives() throws Exception {
    String head =
        "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String withTheHead = raw(head + "zz\r\n{}\r\n0\r\n\r\n");
    assertThat(withTheHead).startsWith("HTTP/1.1 400").contains("MALFORMED_REQUEST");

    try (Socket socket = new Socket("127.0.0.1", fixture.service.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Once it holds an in-flight slot, it is past authentication, on its way to its body.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> fixture.meters.get("http.server.in.flight").gauge().value() >= 1);
      out.write("zz\r\n}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String whileRead =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(whileRead).startsWith("HTTP/1.1 400").contains("MALFORMED_REQUEST");
    }
  }

  /** An HTTP/1.1 request without Host is the client's error, answered 400, never a 500. */
  @Test
  void aRequestWithoutHostIsA400() throws IOException {
    for (String path : List.of("/health/live", "/v1/echo")) {
      String answer = raw("GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      assertThat(answer).startsWith("HTTP/1.1 400").contains("MALFORMED_REQUEST");
    }
  }

  /** Sends {@code request} as written and returns everything the server answers until it closes. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", fixture.service.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** A header the service reads once, sent twice; a compressed body; a body on a GET. */
  @Test
  void aRepeatedSingleHeaderACodedBodyAndABodyOnAGetAreRefused() {
    // Each header read once (Transfer-Encoding has its own, closing refusal): the review's probe
    // sent two X-InfraFabric-Grant headers, and the first silently counted.
    for (String single : RequestFraming.SINGLE) {
      if (!single.equals("Transfer-Encoding")) {
        HttpResponse<String> repeated =
            fixture.client.postRepeating("/v1/echo", token, "{}", single, List.of("a", "b"));
        assertError(repeated, 400, "MALFORMED_REQUEST");
        assertThat(repeated.body()).as(single).contains(single);
      }
    }
    assertError(
        fixture.client.send(
            "POST", "/v1/echo", token, Map.of("Content-Encoding", "gzip"), "{\"a\":1}"),
        415,
        "UNSUPPORTED_MEDIA_TYPE");
    assertError(
        fixture.client.send("GET", "/v1/scopes/x", token, Map.of(), "{\"filter\":1}"),
        400,
        "INVALID_REQUEST");
  }

  /** Health and metrics take no query parameters: one is refused, not ignored. */
  @Test
  void theProbesAndMetricsTakeNoQueryParameters() {
    for (String path : List.of("/health/live?x=1", "/health/ready?x=1", "/metrics?x=1&x=2")) {
      assertError(fixture.client.get(path, token), 400, "INVALID_REQUEST");
    }
    assertThat(fixture.client.get("/health/live", null).statusCode()).isEqualTo(200);
  }

  /** A head the server cannot read never reaches the router, and is answered in the shape too. */
  @Test
  void answersAnUnreadableHeadInTheJsonShapeAndClosesTheConnection() {
    HttpResponse<String> hugeHeader =
        fixture.client.send("GET", "/v1/echo", token, Map.of("x-pad", "p".repeat(16 * 1024)));
    assertError(hugeHeader, 431, "HEADERS_TOO_LARGE");
    assertThat(hugeHeader.headers().firstValue("connection")).contains("close");

    HttpResponse<String> longLine = fixture.client.get("/v1/echo?q=" + "q".repeat(8 * 1024), token);
    assertError(longLine, 414, "URI_TOO_LONG");
  }

  @Test
  void refusesBodiesOverTheLimitMalformedJsonAndOtherMediaTypes() {
    String big = "{\"pad\":\"" + "x".repeat(100) + "\"}";
    assertError(
        fixture.client.post("/v1/echo", token, "application/json", big), 413, "PAYLOAD_TOO_LARGE");
    assertError(
        fixture.client.post("/v1/echo", token, "application/json", "{\"a\":"),
        400,
        "MALFORMED_REQUEST");
    assertError(
        fixture.client.post("/v1/echo", token, "application/json", "{} {}"),
        400,
        "MALFORMED_REQUEST");
    assertError(
        fixture.client.post("/v1/echo", token, "application/json", "[1]"),
        400,
        "MALFORMED_REQUEST");
    assertError(
        fixture.client.post("/v1/echo", token, "application/json", "{\"a\":1,\"a\":2}"),
        400,
        "MALFORMED_REQUEST");
    assertError(
        fixture.client.post("/v1/echo", token, "text/plain", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE");
    for (String notUtf8 :
        List.of(
            "application/json; charset=latin1",
            "application/json;charset=\"ISO-8859-1\"",
            "application/json; charset=utf-16",
            "application/json; charset=")) {
      assertError(
          fixture.client.post("/v1/echo", token, notUtf8, "{}"), 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    assertThat(
            fixture
                .client
                .post("/v1/echo", token, "Application/JSON; Charset=\"UTF-8\"", "{}")
                .statusCode())
        .isEqualTo(200);

    HttpResponse<String> ok =
        fixture.client.post("/v1/echo", token, "application/json; charset=utf-8", "{\"a\":1}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getInteger("a")).isEqualTo(1);
  }

  @Test
  void rendersAServiceDefinedCodeWithItsDetails() {
    JsonObject body =
        assertError(fixture.client.get("/v1/scopes/team-x", token), 422, "BUDGET_SCOPE_UNKNOWN");
    assertThat(body.getString("message")).isEqualTo("No budget scope has this name.");
    assertThat(body.getJsonObject("details").getString("scope")).isEqualTo("team-x");
  }

  @Test
  void translatesTheServicesOwnFailuresWhereverTheyHappen() {
    for (String when : new String[] {"thrown", "later", "rendering"}) {
      JsonObject body =
          assertError(fixture.client.get("/v1/gone/" + when, token), 410, "TOOL_GONE");
      assertThat(body.getString("message")).endsWith(" was deleted.");
    }
  }

  @Test
  void hidesUnexpectedFailuresBehindTheRequestIdAndLogsThemServerSide() {
    try (LogCapture logs = LogCapture.start()) {
      HttpResponse<String> response =
          fixture.client.send("GET", "/v1/boom", token, Map.of("X-Request-Id", "req-boom-1"));

      JsonObject body = assertError(response, 500, "INTERNAL");
      assertThat(body.getJsonObject("details").getMap()).containsOnlyKeys("requestId");
      assertThat(response.body())
          .doesNotContain("internal detail 42")
          .doesNotContain("IllegalStateException")
          .doesNotContain("at com.");
      assertThat(logs.text()).contains("req-boom-1").contains("internal detail 42");
    }
  }

  @Test
  void echoesAWellFormedRequestIdAndReplacesAnUnsafeOne() {
    HttpResponse<String> kept =
        fixture.client.send("GET", "/v1/nothing", token, Map.of("X-Request-Id", "abc-123"));
    assertThat(kept.headers().firstValue("X-Request-Id")).contains("abc-123");
    assertThat(new JsonObject(kept.body()).getJsonObject("details").getString("requestId"))
        .isEqualTo("abc-123");

    HttpResponse<String> replaced =
        fixture.client.send("GET", "/v1/nothing", token, Map.of("X-Request-Id", "bad id\"{}"));
    assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow())
        .matches("[0-9a-f-]{36}");
  }

  static JsonObject assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("code", "message", "details");
    assertThat(body.getString("code")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank();
    assertThat(body.getJsonObject("details").getString("requestId"))
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    return body;
  }
}
