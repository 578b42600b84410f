package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RawConnection;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.models.ModelListParams;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the server answers before a request reaches a gateway route (a request line too long, a head
 * it cannot read, framing it refuses, a path it cannot decode) is in the dialect of the base URL
 * the request was sent under, like every other answer there: an SDK reads it as an error of its own
 * API, with the platform's code in {@code X-Error-Code}. Each refusal is sent under both gateway
 * prefixes, to a path a route serves and to one none does.
 */
@Timeout(120)
class GatewayAnswersBeforeRoutingTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  private static final String LONG_QUERY = "?x=" + "a".repeat(5000);

  /** The dialects, each with a path a route serves and one no route does. */
  enum Dialect {
    OPENAI(GatewayRoutes.OPENAI + "/chat/completions", GatewayRoutes.OPENAI + "/no-such") {
      @Override
      void assertShape(JsonObject body) {
        JsonObject error = body.getJsonObject("error");
        assertThat(error.getString("message")).isNotBlank();
        assertThat(error.getString("type")).isNotBlank();
        assertThat(body.fieldNames()).containsExactly("error");
      }
    },
    ANTHROPIC(GatewayRoutes.ANTHROPIC + "/v1/messages", GatewayRoutes.ANTHROPIC + "/v1/no-such") {
      @Override
      void assertShape(JsonObject body) {
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isNotBlank();
        assertThat(body.getJsonObject("error").getString("message")).isNotBlank();
        assertThat(body.containsKey("code")).as("the platform's shape").isFalse();
      }
    };

    final String routed;
    final String unrouted;

    Dialect(String routed, String unrouted) {
      this.routed = routed;
      this.unrouted = unrouted;
    }

    abstract void assertShape(JsonObject body);
  }

  /**
   * A request the server refuses before routing: its status, its code, and its text for a path and
   * a credential.
   */
  record Refusal(String name, int status, String code, BiFunction<String, String, String> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Refusal> REFUSALS =
      List.of(
          new Refusal(
              "request target over the limit",
              414,
              "URI_TOO_LONG",
              (path, token) -> post(path + LONG_QUERY, token, "", "{}")),
          new Refusal(
              "header fields over the limit",
              431,
              "HEADERS_TOO_LARGE",
              (path, token) ->
                  post(path, token, "x-padding: " + "p".repeat(16 * 1024) + "\r\n", "{}")),
          new Refusal(
              "a header line without a colon",
              400,
              "MALFORMED_REQUEST",
              (path, token) -> post(path, token, "no colon here\r\n", "{}")),
          new Refusal(
              "a transfer coding other than chunked",
              400,
              "MALFORMED_REQUEST",
              (path, token) ->
                  head("POST", path, token, "Transfer-Encoding: gzip, chunked\r\n")
                      + "2\r\n{}\r\n0\r\n\r\n"),
          new Refusal(
              "a header the request may carry once, twice",
              400,
              "MALFORMED_REQUEST",
              (path, token) -> post(path, token, "Content-Type: application/json\r\n", "{}")),
          new Refusal(
              "a content coding",
              415,
              "UNSUPPORTED_MEDIA_TYPE",
              (path, token) -> post(path, token, "Content-Encoding: gzip\r\n", "{}")),
          new Refusal(
              "a chunk size that is not hex",
              400,
              "MALFORMED_REQUEST",
              (path, token) ->
                  head("POST", path, token, "Transfer-Encoding: chunked\r\n")
                      + "zz\r\n{}\r\n0\r\n\r\n"),
          new Refusal(
              "a path with a broken percent-escape",
              400,
              "MALFORMED_REQUEST",
              (path, token) -> post(path + "%zz", token, "", "{}")),
          new Refusal(
              "a percent-encoded dot segment the router would remove",
              400,
              "MALFORMED_REQUEST",
              (path, token) -> post(path + "/x/%2e%2E", token, "", "{}")),
          new Refusal(
              "an empty segment the router would merge",
              400,
              "MALFORMED_REQUEST",
              (path, token) -> post(path + "//", token, "", "{}")),
          new Refusal(
              "an HTTP/1.1 request without Host",
              400,
              "MALFORMED_REQUEST",
              (path, token) ->
                  head("POST", path, token, "").replace("Host: gateway\r\n", "")
                      + "Content-Length: 2\r\n\r\n{}"));

  static Stream<Arguments> refusals() {
    return Stream.of(Dialect.values())
        .flatMap(
            dialect ->
                REFUSALS.stream()
                    .flatMap(
                        refusal ->
                            Stream.of(
                                Arguments.of(dialect, dialect.routed, refusal),
                                Arguments.of(dialect, dialect.unrouted, refusal))));
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("refusals")
  void aRefusalBeforeRoutingIsInTheDialectOfItsPath(Dialect dialect, String path, Refusal refusal) {
    String token = RIG.agent(RIG.fundedScope(1_000_000));
    String answer;
    try (RawConnection connection = RawConnection.open(RIG.governor.service.port())) {
      connection.send(refusal.request().apply(path, token));
      answer = connection.untilClosed();
    }

    assertThat(answer).as(answer).startsWith("HTTP/1.1 " + refusal.status() + " ");
    assertThat(header(answer, "x-error-code")).as(answer).contains(refusal.code());
    dialect.assertShape(body(answer));
  }

  /**
   * The reported case: under the gateway's base URL, encoded dot segments climbed out of it to the
   * budget API, which answered an admin; a proxy in front that allowed only /llm to reach the
   * service let it through. A path the router would rewrite is refused, in the dialect of the path
   * as sent, whatever it would have reached.
   */
  @Test
  void regressionDotSegmentsUnderTheGatewayNoLongerReachTheBudgetApi() {
    String scope = RIG.fundedScope(1_000_000);
    String admin = RIG.governor.admin(scope.split("/", 2)[0]);
    String budget = "/v1/budgets/" + GovernorServiceRig.encode(scope);
    assertThat(get(budget, admin))
        .as("the budget the paths below name")
        .startsWith("HTTP/1.1 200 ");

    String climbed = get(GatewayRoutes.OPENAI + "/%2e%2e/%2e%2e/%2e%2e" + budget, admin);
    assertThat(climbed).as(climbed).startsWith("HTTP/1.1 400 ").doesNotContain(scope);
    assertThat(header(climbed, "x-error-code")).contains("MALFORMED_REQUEST");
    Dialect.OPENAI.assertShape(body(climbed));
    for (String path : List.of("/llm/.." + budget, budget.replace("/v1/", "/v1//"))) {
      String answer = get(path, admin);
      assertThat(answer).as(path).startsWith("HTTP/1.1 400 ").doesNotContain(scope);
      assertThat(body(answer).getString("code")).isEqualTo("MALFORMED_REQUEST");
    }
  }

  private static String get(String path, String token) {
    try (RawConnection connection = RawConnection.open(RIG.governor.service.port())) {
      connection.send(head("GET", path, token, "") + "\r\n");
      return connection.untilClosed();
    }
  }

  private static JsonObject body(String answer) {
    return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  /** The reported case: the official SDKs with a query over the limit read a 414 of their API. */
  @Test
  void theSdksReadARequestTargetOverTheLimitAsAnErrorOfTheirApi() {
    String token = RIG.agent(RIG.fundedScope(1_000_000));

    assertThatThrownBy(
            () ->
                RIG.openAi(token)
                    .models()
                    .list(
                        ModelListParams.builder()
                            .putAdditionalQueryParam("x", "a".repeat(5000))
                            .build()))
        .isInstanceOfSatisfying(
            OpenAIServiceException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(414);
              assertThat(e.headers().values("x-error-code")).containsExactly("URI_TOO_LONG");
              assertThat(e.body().toString()).contains("invalid_request_error");
            });
    assertThatThrownBy(
            () ->
                RIG.anthropic(token)
                    .messages()
                    .create(
                        GatewayRig.message("claude-test").toBuilder()
                            .putAdditionalQueryParam("x", "a".repeat(5000))
                            .build()))
        .isInstanceOfSatisfying(
            com.anthropic.errors.AnthropicServiceException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(414);
              assertThat(e.headers().values("x-error-code")).containsExactly("URI_TOO_LONG");
              assertThat(e.body().toString()).contains("invalid_request_error");
            });
  }

  private static String post(String path, String token, String headers, String body) {
    return head("POST", path, token, headers)
        + "Content-Type: application/json\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  /** A request head up to its last header, whose end the caller writes. */
  private static String head(String method, String path, String token, String headers) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\nAuthorization: Bearer "
        + token
        + "\r\n"
        + headers;
  }

  private static Optional<String> header(String answer, String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    return answer
        .substring(0, answer.indexOf("\r\n\r\n"))
        .lines()
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
        .map(line -> line.substring(prefix.length()).strip())
        .findFirst();
  }
}
