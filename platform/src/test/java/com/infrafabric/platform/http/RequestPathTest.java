package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request is routed only on the path it was sent with: one the router would rewrite first (dot
 * segments, raw or encoded; empty segments; encoded unreserved characters), or that a proxy
 * decoding slashes and backslashes would route elsewhere, is refused before any route sees it. Sent
 * through a raw socket, since HTTP clients normalise paths themselves.
 */
@Timeout(30)
class RequestPathTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/v1/x/%2e%2e/scopes/acme | has a '..' segment, raw or percent-encoded",
        "/v1/x/%2E%2e/scopes/acme | has a '..' segment, raw or percent-encoded",
        "/v1/x/.%2E/scopes/acme   | has a '..' segment, raw or percent-encoded",
        "/v1/x/../scopes/acme     | has a '..' segment, raw or percent-encoded",
        "/v1/./scopes/acme        | has a '.' segment, raw or percent-encoded",
        "/v1/scopes/acme/%2e      | has a '.' segment, raw or percent-encoded",
        "/v1/scopes/acme%2F..     | has a '..' segment, raw or percent-encoded",
        "/v1/scopes/a%2f%2E%2E%2fb | has a '..' segment, raw or percent-encoded",
        "/v1//scopes/acme         | has an empty segment ('//')",
        "//v1/scopes/acme         | has an empty segment ('//')",
        "/v1/scopes/a%5Cb         | holds a backslash, raw or percent-encoded",
        "/v1/scopes/a%5cb         | holds a backslash, raw or percent-encoded",
        "/v1/scopes/a\\..\\b      | holds a backslash, raw or percent-encoded",
        "/%76%31/scopes/acme      | percent-encodes 'v', which is routed decoded",
        "/v1/scopes/acme%7E1      | percent-encodes '~', which is routed decoded",
        "v1/scopes/acme           | does not start with '/'",
      })
  void aPathNotInNormalFormIsNamedWithWhy(String path, String problem) {
    assertThat(RequestPath.problem(path)).contains(problem);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/v1/scopes/acme",
        "/v1/scopes/acme/",
        "/v1/scopes/acme%2Fteam",
        "/v1/scopes/acme%2fteam%2Fp",
        "/v1/leases/acme%2Ftask%231/finish",
        "/v1/scopes/...",
        "/v1/scopes/..a",
        "/v1/scopes/a.b",
        "/v1/scopes/a%20b",
        "/v1/scopes/%E2%82%AC",
        "/v1/scopes/a%2F%2Fb",
      })
  void aPathInNormalFormPasses(String path) {
    assertThat(RequestPath.problem(path)).isEqualTo(Optional.empty());
  }

  @Test
  void regressionEncodedDotSegmentsNoLongerReachTheRouteTheyClimbTo() {
    // The router decoded %2e and removed the dot segments: /v1/x/.. served /v1/scopes/acme.
    try (ServiceFixture fixture = echoingScopes()) {
      for (String path :
          List.of(
              "/v1/x/%2e%2e/%2e%2e/v1/scopes/acme", "/v1/x/../scopes/acme", "/v1//scopes/acme")) {
        String answer = get(fixture, path, "");
        assertThat(answer).as(path).startsWith("HTTP/1.1 400 ").contains("MALFORMED_REQUEST");
        assertThat(answer).as(path).contains("The request path is not in normal form: it ");
        assertThat(answer).as(path).doesNotContain("\"scope\":\"acme\"");
      }
    }
  }

  @Test
  void anEncodedSlashInAPathParameterIsStillServedDecoded() {
    try (ServiceFixture fixture = echoingScopes()) {
      assertThat(get(fixture, "/v1/scopes/acme%2Fteam", "connection: close\r\n"))
          .startsWith("HTTP/1.1 200 ")
          .contains("\"scope\":\"acme/team\"");
    }
  }

  /** A service whose one route answers the scope it was given. */
  private ServiceFixture echoingScopes() {
    return ServiceFixture.start(
        dir,
        builder ->
            builder.routes(
                routes ->
                    routes.get(
                        "/v1/scopes/:scope",
                        Access.authenticated(),
                        ctx -> ctx.json(new JsonObject().put("scope", ctx.pathParam("scope"))))));
  }

  /**
   * The whole answer to a GET of {@code path} as sent, with {@code headers}; the server must close
   * the connection after it (a refusal does; otherwise send {@code connection: close}).
   */
  private static String get(ServiceFixture fixture, String path, String headers) {
    try (RawConnection connection = RawConnection.open(fixture.service.port())) {
      connection.send(
          "GET "
              + path
              + " HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer "
              + fixture.tokens.valid("alice")
              + "\r\n"
              + headers
              + "\r\n");
      return connection.untilClosed();
    }
  }
}
