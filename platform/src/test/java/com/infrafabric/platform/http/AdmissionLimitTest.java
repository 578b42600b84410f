package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission limit of the latency-bound routes: it steers admitted requests to its latency
 * target rather than to their own recent past, and it refuses what is over it before reading any of
 * the body.
 */
@Timeout(60)
class AdmissionLimitTest {

  private static final Duration SLOW = Duration.ofMillis(30);

  @TempDir Path dir;
  private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();

  /**
   * Requests that steadily take longer than the target bring the limit down to its floor: a limit
   * that compared latency with its own long-run average would take a steady 30 ms for normal and
   * keep admitting up to its ceiling.
   */
  @Test
  void admittedRequestsSlowerThanTheTargetShrinkTheLimitToItsFloor() {
    AdmissionSettings admission =
        new AdmissionSettings(16, 2, 64, Duration.ofMillis(5), Duration.ofSeconds(1));
    try (ServiceFixture fixture = start(admission)) {
      String token = fixture.tokens.valid("alice");
      for (int i = 0; i < 30; i++) {
        assertThat(fixture.client.post("/v1/slow", token, "application/json", "{}").statusCode())
            .isEqualTo(200);
      }

      assertThat(limit(fixture)).isEqualTo(2);
    }
  }

  /**
   * A request over the limit is refused on its headers alone: its body has not even arrived (the
   * client sent 10 of its 1,000 bytes), so a limit placed after the body is read would wait for it
   * and answer 408 once the body deadline passed.
   */
  @Test
  void overTheLimitIsRefusedBeforeItsBodyIsRead() throws Exception {
    try (ServiceFixture fixture = start(AdmissionSettings.fixed(1))) {
      String token = fixture.tokens.valid("alice");
      CompletableFuture<HttpResponse<String>> admitted = fixture.client.getAsync("/v1/hold", token);
      Held holding = awaitHeld();

      try (RawConnection connection = RawConnection.open(fixture.service.port())) {
        connection.send(
            "POST /v1/slow HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":\"bcd");

        assertThat(connection.statusLine()).startsWith("HTTP/1.1 503");
      }
      holding.finish();
      assertThat(admitted.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  /**
   * A slot is taken once the body is read: a client trickling its body in holds none, and the one
   * slot there is serves another caller meanwhile; the trickled request is admitted once its body
   * is whole.
   */
  @Test
  void aBodyThatTricklesInHoldsNoSlot() throws Exception {
    try (ServiceFixture fixture = start(AdmissionSettings.fixed(1))) {
      String token = fixture.tokens.valid("alice");
      try (RawConnection trickle = RawConnection.open(fixture.service.port())) {
        String body = "{\"a\":\"" + "b".repeat(20) + "\"}";
        trickle.send(
            "POST /v1/slow HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body.substring(0, 5));
        for (int i = 0; i < 3; i++) {
          assertThat(fixture.client.post("/v1/slow", token, "application/json", "{}").statusCode())
              .isEqualTo(200);
        }
        trickle.send(body.substring(5));
        assertThat(trickle.statusLine()).startsWith("HTTP/1.1 200");
      }
    }
  }

  private ServiceFixture start(AdmissionSettings admission) {
    return ServiceFixture.start(
        dir,
        builder ->
            builder
                .settings(HttpSettings.defaults().withPort(0).withAdmission(admission))
                .routes(
                    routes ->
                        routes
                            .admissionControlled()
                            .post("/v1/slow", Access.authenticated(), AdmissionLimitTest::slow)
                            .get("/v1/hold", Access.authenticated(), this::hold)));
  }

  private static void slow(RoutingContext ctx) {
    ctx.vertx().setTimer(SLOW.toMillis(), timer -> ctx.end("done"));
  }

  private void hold(RoutingContext ctx) {
    held.add(new Held(Vertx.currentContext(), ctx));
  }

  private Held awaitHeld() throws InterruptedException {
    Held next = held.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("the admitted request reached its handler").isNotNull();
    return next;
  }

  private static double limit(ServiceFixture fixture) {
    return fixture.meters.get("http.server.admission.limit").gauge().value();
  }

  private record Held(Context context, RoutingContext ctx) {
    void finish() {
      context.runOnContext(v -> ctx.end("done"));
    }
  }
}
