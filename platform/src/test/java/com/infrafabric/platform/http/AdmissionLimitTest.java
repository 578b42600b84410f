package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** The platform role that may name the tenant a request on {@code /v1/hold} is for. */
  private static final String CHASSIS = "chassis";

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

  /**
   * One tenant may hold every slot of an idle node, yet its flood cannot keep another tenant out:
   * while the slots are all held, a tenant under its fair share (half, with two tenants holding
   * slots) is still admitted and the flooding one is refused, also once one of its requests has
   * finished, until the other's have. Both ways the refusal is the same 503 a full node gives.
   */
  @Test
  void aFloodFromOneTenantLeavesAnotherItsShare() throws Exception {
    try (ServiceFixture fixture = start(AdmissionSettings.fixed(4))) {
      String acme = fixture.tokens.mint(fixture.tokens.spec("a").withScope("acme/agents"));
      String globex = fixture.tokens.mint(fixture.tokens.spec("g").withScope("globex/agents"));
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      List<Held> acmeHeld = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(fixture.client.getAsync("/v1/hold", acme));
        acmeHeld.add(awaitHeld());
      }
      assertOverloaded(fixture.client.get("/v1/hold", acme));

      List<Held> globexHeld = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        answers.add(fixture.client.getAsync("/v1/hold", globex));
        globexHeld.add(awaitHeld());
      }
      assertOverloaded(fixture.client.get("/v1/hold", globex));
      assertThat(inFlight(fixture)).isEqualTo(6);

      acmeHeld.remove(0).finish();
      await().until(() -> inFlight(fixture) == 5);
      assertOverloaded(fixture.client.get("/v1/hold", acme));
      globexHeld.forEach(Held::finish);
      acmeHeld.forEach(Held::finish);
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }

      await().until(() -> inFlight(fixture) == 0);
      List<Held> again = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(fixture.client.getAsync("/v1/hold", acme));
        again.add(awaitHeld());
      }
      assertThat(inFlight(fixture)).as("alone again, the tenant holds every slot").isEqualTo(4);
      again.forEach(Held::finish);
    }
  }

  /**
   * Regression (probe): every platform caller counted as one tenant, so the chassis's LLM calls for
   * all tenants shared one share of the governor's slots, and one tenant's tool traffic shed
   * another's. A platform caller that names the tenant a request is for takes that tenant's share;
   * a tenant token may name none (it acts in its own tenant).
   */
  @Test
  void aPlatformCallerTakesTheShareOfTheTenantItNames() throws Exception {
    try (ServiceFixture fixture = start(AdmissionSettings.fixed(4))) {
      String chassis = fixture.tokens.mint(fixture.tokens.spec("chassis", CHASSIS));
      String acmeAgent = fixture.tokens.mint(fixture.tokens.spec("a").withScope("acme/agents"));
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      List<Held> holds = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(holdFor(fixture, chassis, "acme"));
        holds.add(awaitHeld());
      }
      assertOverloaded(holdFor(fixture, chassis, "acme").get(10, TimeUnit.SECONDS));
      assertThat(holdFor(fixture, acmeAgent, "globex").get(10, TimeUnit.SECONDS).statusCode())
          .isEqualTo(400);

      answers.add(holdFor(fixture, chassis, "globex"));
      holds.add(awaitHeld());
      assertThat(inFlight(fixture)).isEqualTo(5);

      holds.forEach(Held::finish);
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }

  private static CompletableFuture<HttpResponse<String>> holdFor(
      ServiceFixture fixture, String token, String tenant) {
    return CompletableFuture.supplyAsync(
        () ->
            fixture.client.send("GET", "/v1/hold", token, Map.of(Requests.ACTING_TENANT, tenant)));
  }

  private static void assertOverloaded(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("OVERLOADED");
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
                            .actingFor(Access.platform(CHASSIS))
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

  private static double inFlight(ServiceFixture fixture) {
    return fixture.meters.get("http.server.admission.in.flight").gauge().value();
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
