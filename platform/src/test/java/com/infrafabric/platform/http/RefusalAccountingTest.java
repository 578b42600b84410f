package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression: a request refused before any step of the router ran (vertx-web's 404 for {@code
 * OPTIONS *} or a {@code CONNECT}, its 400 for a request without {@code Host}), or one no route
 * matched, was answered with request id "-", counted against nothing and left its unauthenticated
 * connection open until the authentication deadline: 2000 pipelined on one connection got 2000
 * answers, fourteen times what an anonymous flood met with its 401 and close, and other tenants
 * waited seconds. Every answer now passes the accounting every request does (the connection's
 * request, its request id, its metrics), and a refusal on a connection that has carried no
 * authenticated request ends it, as the 401 does; a head the decoder could not read ends any
 * connection.
 */
@Timeout(120)
class RefusalAccountingTest {

  /** Longer than {@link RawConnection}'s wait: a connection held open fails the test. */
  private static final Duration AUTHENTICATION_DEADLINE = Duration.ofSeconds(60);

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");
  private static final Pattern REQUEST_ID = Pattern.compile("(?i)X-Request-Id: ([^\r\n]+)");

  @TempDir static Path dir;
  private static ServiceFixture fixture;

  @BeforeAll
  static void start() {
    ConnectionLimits limits =
        new ConnectionLimits(
            512,
            AUTHENTICATION_DEADLINE,
            Duration.ofSeconds(5),
            16 * 1024,
            Duration.ofMinutes(2),
            ConnectionLimits.defaultBodyBytesInFlight(),
            256,
            ConnectionLimits.defaultMaxConnections());
    fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .settings(HttpSettings.defaults().withPort(0).withConnections(limits))
                    .routes(
                        routes ->
                            routes.post(
                                "/v1/echo",
                                Access.authenticated(),
                                ctx -> ctx.json(Requests.jsonBody(ctx)))));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /**
   * A request the service refuses without a credential's say: its status, and its text.
   *
   * @param copies how many are pipelined: a head past a bound is large, and a server that closes a
   *     connection with bytes still unread resets it, which can discard its answer on the way
   */
  record Refusal(String name, int status, String request, int copies) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal("OPTIONS *", 404, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal("CONNECT", 404, "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 100),
        new Refusal("no Host", 400, "GET /v1/echo HTTP/1.1\r\n\r\n", 100),
        new Refusal("a target without a slash", 404, "GET v1 HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal("no route", 404, "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal(
            "a method no route takes", 405, "GET /v1/echo HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal("a broken escape", 400, "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal("a dot segment", 400, "GET /v1/./echo HTTP/1.1\r\nHost: x\r\n\r\n", 100),
        new Refusal(
            "a target over the bound",
            414,
            "GET /v1/echo?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            4),
        new Refusal(
            "headers over the bound",
            431,
            "GET /v1/echo HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(16 * 1024) + "\r\n\r\n",
            1),
        new Refusal(
            "a header line without a colon",
            400,
            "GET /v1/echo HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n",
            100),
        new Refusal("a request line that is not one", 400, "NONSENSE\r\n\r\n", 100),
        new Refusal(
            "a query parameter no route takes",
            400,
            "GET /health/live?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
            100));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aPipelinedFloodOfRefusalsIsAnsweredOnceThenTheConnectionCloses(Refusal refusal) {
    double counted = answersCounted();
    String answers;
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(refusal.request().repeat(refusal.copies()) + LIVE.repeat(100));
      answers = connection.untilClosed();
    }

    assertThat(statuses(answers)).as(answers).containsExactly(refusal.status());
    String requestId = requestId(answers);
    assertThat(requestId).as(answers).isNotEqualTo("-");
    JsonObject body = new JsonObject(answers.substring(answers.indexOf("\r\n\r\n") + 4));
    assertThat(body.getJsonObject("details").getString("requestId")).isEqualTo(requestId);
    assertThat(answersCounted()).as("in http.server.requests").isEqualTo(counted + 1);
  }

  @Test
  void anAuthenticatedConnectionOutlivesTheRefusalsItCarries() {
    String token = fixture.tokens.valid("alice");
    String refusals =
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /v1/echo HTTP/1.1\r\n\r\n"
            + "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /v1/echo HTTP/1.1\r\nHost: x\r\n\r\n";
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(echo(token) + refusals + echo(token) + LIVE_AND_CLOSE);
      String answers = connection.untilClosed();

      assertThat(statuses(answers)).as(answers).containsExactly(200, 404, 400, 404, 405, 200, 200);
    }
  }

  @Test
  void aHeadTheDecoderCannotReadEndsEvenAnAuthenticatedConnection() {
    String token = fixture.tokens.valid("bob");
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(echo(token) + "NONSENSE\r\n\r\n" + echo(token));
      String answers = connection.untilClosed();

      assertThat(statuses(answers)).as(answers).containsExactly(200, 400);
    }
  }

  private static final String LIVE = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String LIVE_AND_CLOSE =
      "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  private static String echo(String token) {
    String body = "{\"a\":1}";
    return "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  private static List<Integer> statuses(String answers) {
    Matcher status = STATUS_LINE.matcher(answers);
    return status.results().map(match -> Integer.parseInt(match.group(1))).toList();
  }

  private static String requestId(String answers) {
    Matcher id = REQUEST_ID.matcher(answers);
    return id.find() ? id.group(1) : "-";
  }

  private static double answersCounted() {
    return fixture.meters.find("http.server.requests").timers().stream()
        .mapToDouble(Timer::count)
        .sum();
  }
}
