package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies are bounded per route, before they are read, in time, and in the bytes one tenant
 * and the node hold at once: a tenant trickling many large bodies can fill neither the heap nor the
 * others' share of it.
 */
@Timeout(60)
class RequestBodyBoundsTest {

  private static final long BUDGET = ConnectionLimits.MIN_BODY_BYTES_IN_FLIGHT;
  private static final int SMALL_LIMIT = 1024;
  private static final int UPLOAD_LIMIT = 256 * 1024;
  private static final String BYTES_HELD = "http.server.body.bytes.in.flight";

  @TempDir Path dir;

  /**
   * Regression: every route buffered up to the service's one body limit, sized for its largest
   * route, before the route's own check; a 1 KiB route read a megabyte before refusing it.
   */
  @Test
  void aBodyAnnouncedOverItsRoutesLimitIs413BeforeAByteOfItIsRead() {
    try (ServiceFixture fixture = start();
        RawConnection small = RawConnection.open(fixture.service.port())) {
      String token = fixture.tokens.valid("alice");
      small.send(head("/v1/small", token, SMALL_LIMIT + 1));

      assertThat(small.statusLine()).startsWith("HTTP/1.1 413 ");
      assertThat(
              fixture.client.post("/v1/upload", token, "application/json", json(SMALL_LIMIT * 4)))
          .extracting(HttpResponse::statusCode)
          .as("another route's own limit holds")
          .isEqualTo(200);
    }
  }

  /**
   * A chunked body, whose length no header announces, is read up to its route's limit and cut
   * there.
   */
  @Test
  void aChunkedBodyIsCutAtItsRoutesLimit() {
    try (ServiceFixture fixture = start();
        RawConnection within = RawConnection.open(fixture.service.port());
        RawConnection over = RawConnection.open(fixture.service.port())) {
      String token = fixture.tokens.valid("alice");
      String body = json(SMALL_LIMIT);
      within.send(
          chunked("/v1/small", token)
              + Integer.toHexString(body.length())
              + "\r\n"
              + body
              + "\r\n0\r\n\r\n");
      over.send(
          chunked("/v1/small", token)
              + Integer.toHexString(body.length() + 1)
              + "\r\n"
              + body
              + " \r\n");

      assertThat(within.statusLine()).startsWith("HTTP/1.1 200 ");
      assertThat(over.statusLine()).startsWith("HTTP/1.1 413 ");
    }
  }

  /**
   * Regression: one tenant's slow bodies of 11 MB in 128 of the 256 in-flight slots buffered 1.4 GB
   * on a 1 GB heap: an OutOfMemoryError on the event loops, every tenant on the node stalled. Now
   * its bodies hold at most half of the node's body bytes, the rest is refused 429 at once, and
   * another tenant is still served.
   */
  @Test
  void oneTenantsSlowBodiesHoldAtMostItsShareOfTheBodyBytes() {
    List<RawConnection> slow = new ArrayList<>();
    try (ServiceFixture fixture = start()) {
      String acme = fixture.tokens.mint(fixture.tokens.spec("a").withScope("acme/a"));
      String globex = fixture.tokens.mint(fixture.tokens.spec("g").withScope("globex"));
      long body = 200 * 1024;
      int admitted = (int) (BUDGET / 2 / body);
      for (int i = 0; i < 10; i++) {
        RawConnection connection = RawConnection.open(fixture.service.port());
        slow.add(connection);
        connection.send(head("/v1/upload", acme, body) + "{\"x\":\"");
        if (i < admitted) {
          long held = (i + 1) * body;
          await().atMost(Duration.ofSeconds(10)).until(() -> bytesHeld(fixture) == held);
        } else {
          assertThat(connection.statusLine()).as("body " + i).startsWith("HTTP/1.1 429 ");
        }
        assertThat(bytesHeld(fixture)).isLessThanOrEqualTo(BUDGET / 2);
      }

      assertThat(fixture.client.post("/v1/upload", globex, "application/json", json(4096)))
          .extracting(HttpResponse::statusCode)
          .as("another tenant is served")
          .isEqualTo(200);
      slow.forEach(RawConnection::close);
      await().atMost(Duration.ofSeconds(10)).until(() -> bytesHeld(fixture) == 0);
    } finally {
      slow.forEach(RawConnection::close);
    }
  }

  /** A route whose bodies no tenant's share could hold is a configuration error, found at start. */
  @Test
  void aRouteTakingBodiesLargerThanATenantsShareIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                ServiceFixture.start(
                    dir,
                    builder ->
                        builder
                            .settings(settings())
                            .routes(
                                routes ->
                                    routes
                                        .withBodyLimit(BUDGET)
                                        .post("/v1/huge", Access.authenticated(), ctx -> {}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.bodyBytesInFlight of at least " + 2 * BUDGET);
  }

  private ServiceFixture start() {
    return ServiceFixture.start(
        dir,
        builder ->
            builder
                .settings(settings())
                .routes(
                    routes -> {
                      routes
                          .withBodyLimit(SMALL_LIMIT)
                          .post("/v1/small", Access.authenticated(), RequestBodyBoundsTest::ok);
                      routes
                          .withBodyLimit(UPLOAD_LIMIT)
                          .post("/v1/upload", Access.authenticated(), RequestBodyBoundsTest::ok);
                    }));
  }

  private static void ok(RoutingContext ctx) {
    Responses.send(ctx, 200, new JsonObject());
  }

  private static HttpSettings settings() {
    HttpSettings defaults = HttpSettings.defaults().withPort(0).withMaxBodyBytes(64 * 1024);
    return defaults.withConnections(defaults.connections().withBodyBytesInFlight(BUDGET));
  }

  private static double bytesHeld(ServiceFixture fixture) {
    return fixture.meters.get(BYTES_HELD).gauge().value();
  }

  private static String head(String path, String token, long length) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + HttpHeaders.AUTHORIZATION
        + ": Bearer "
        + token
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + length
        + "\r\n\r\n";
  }

  private static String chunked(String path, String token) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + HttpHeaders.AUTHORIZATION
        + ": Bearer "
        + token
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  }

  private static String json(int bytes) {
    return "{\"x\":\"" + "y".repeat(bytes - 8) + "\"}";
  }
}
