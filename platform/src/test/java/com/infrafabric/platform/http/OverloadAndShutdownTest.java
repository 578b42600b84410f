package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class OverloadAndShutdownTest {

  @TempDir Path dir;
  private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();

  @Test
  void answersOverloadedAtOnceBeyondTheInFlightBound() throws Exception {
    try (ServiceFixture fixture = start(HttpSettings.defaults().withPort(0).withMaxInFlight(1))) {
      String token = fixture.tokens.valid("alice");
      CompletableFuture<HttpResponse<String>> first = fixture.client.getAsync("/v1/slow", token);
      Held slow = awaitHeld();

      long start = System.nanoTime();
      HttpResponse<String> second = fixture.client.get("/v1/slow", token);

      assertError(second, 503, "OVERLOADED");
      assertThat(second.headers().firstValue("Retry-After")).contains("1");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      slow.finish();
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(fixture.client.get("/health/live", null).statusCode()).isEqualTo(200);
    }
  }

  /**
   * One tenant holds at most half of the slots: its next request is 429 at once while another
   * tenant's is served, so a tenant whose requests linger never fills what the others share.
   */
  @Test
  void oneTenantHoldsAtMostHalfOfTheSlots() throws Exception {
    try (ServiceFixture fixture = start(HttpSettings.defaults().withPort(0).withMaxInFlight(4))) {
      String acmeA = fixture.tokens.mint(fixture.tokens.spec("a").withScope("acme/a"));
      String acmeB = fixture.tokens.mint(fixture.tokens.spec("b").withScope("acme/b"));
      String globex = fixture.tokens.mint(fixture.tokens.spec("g").withScope("globex"));
      CompletableFuture<HttpResponse<String>> first = fixture.client.getAsync("/v1/slow", acmeA);
      Held one = awaitHeld();
      CompletableFuture<HttpResponse<String>> second = fixture.client.getAsync("/v1/slow", acmeB);
      Held two = awaitHeld();

      HttpResponse<String> third = fixture.client.get("/v1/slow", acmeA);
      assertError(third, 429, "TOO_MANY_IN_FLIGHT");
      assertThat(third.headers().firstValue("Retry-After")).contains("1");

      CompletableFuture<HttpResponse<String>> other = fixture.client.getAsync("/v1/slow", globex);
      awaitHeld().finish();
      assertThat(other.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      one.finish();
      two.finish();
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      CompletableFuture<HttpResponse<String>> again = fixture.client.getAsync("/v1/slow", acmeA);
      awaitHeld().finish();
      assertThat(again.get(10, TimeUnit.SECONDS).statusCode())
          .as("the tenant's slots were given back")
          .isEqualTo(200);
    }
  }

  /**
   * Two tenants holding half of the slots each fill the node, yet a third tenant is still served:
   * on a full node a tenant under its fair share is admitted beyond the bound, while the two at
   * theirs are refused. The probe's two tenants of 128 stalled streams kept every other at 503.
   */
  @Test
  void twoTenantsAtTheirSharesDoNotShutOutAThird() throws Exception {
    try (ServiceFixture fixture = start(HttpSettings.defaults().withPort(0).withMaxInFlight(4))) {
      String acme = fixture.tokens.mint(fixture.tokens.spec("a").withScope("acme"));
      String beta = fixture.tokens.mint(fixture.tokens.spec("b").withScope("beta"));
      String gamma = fixture.tokens.mint(fixture.tokens.spec("g").withScope("gamma"));
      List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
      List<Held> held = new ArrayList<>();
      for (String token : List.of(acme, acme, beta, beta)) {
        holding.add(fixture.client.getAsync("/v1/slow", token));
        held.add(awaitHeld());
      }

      CompletableFuture<HttpResponse<String>> third = fixture.client.getAsync("/v1/slow", gamma);
      held.add(awaitHeld());
      assertError(fixture.client.get("/v1/slow", gamma), 503, "OVERLOADED");

      held.forEach(Held::finish);
      assertThat(third.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      for (CompletableFuture<HttpResponse<String>> answer : holding) {
        assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void drainsInFlightRequestsOnStopAndRefusesNewConnections() throws Exception {
    try (ServiceFixture fixture =
        start(HttpSettings.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(20)))) {
      String token = fixture.tokens.valid("alice");
      CompletableFuture<HttpResponse<String>> inFlight = fixture.client.getAsync("/v1/slow", token);
      Held slow = awaitHeld();

      Future<Void> stopped = fixture.service.stop();
      awaitRefused(fixture.service.port());
      assertThat(stopped.isComplete()).isFalse();

      slow.finish();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      Await.result(stopped, Duration.ofSeconds(10));
    }
  }

  /** A draining service says so to probes first, and still serves what it is sent meanwhile. */
  @Test
  void aDrainingServiceIsNotReadyButStillServes() throws Exception {
    try (ServiceFixture fixture = start(HttpSettings.defaults().withPort(0))) {
      assertThat(fixture.client.get("/health/ready", null).statusCode()).isEqualTo(200);

      fixture.service.drain();

      HttpResponse<String> ready = fixture.client.get("/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("shutdown");
      CompletableFuture<HttpResponse<String>> served =
          fixture.client.getAsync("/v1/slow", fixture.tokens.valid("alice"));
      awaitHeld().finish();
      assertThat(served.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void closesWhatIsLeftOnceTheGraceRunsOut() throws Exception {
    try (ServiceFixture fixture =
        start(HttpSettings.defaults().withPort(0).withShutdownGrace(Duration.ofMillis(300)))) {
      CompletableFuture<HttpResponse<String>> stuck =
          fixture.client.getAsync("/v1/slow", fixture.tokens.valid("alice"));
      awaitHeld();

      long start = System.nanoTime();
      Await.result(fixture.service.stop(), Duration.ofSeconds(10));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThatThrownBy(() -> stuck.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class);
    }
  }

  private ServiceFixture start(HttpSettings settings) {
    return ServiceFixture.start(
        dir,
        builder ->
            builder
                .settings(settings)
                .routes(routes -> routes.get("/v1/slow", Access.authenticated(), this::hold)));
  }

  private void hold(RoutingContext ctx) {
    held.add(new Held(Vertx.currentContext(), ctx));
  }

  private Held awaitHeld() throws InterruptedException {
    Held next = held.poll(10, TimeUnit.SECONDS);
    assertThat(next).as("the slow request reached its handler").isNotNull();
    return next;
  }

  private static void awaitRefused(int port) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException refused) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError("port " + port + " still accepts connections after stop()");
  }

  private record Held(Context context, RoutingContext ctx) {
    void finish() {
      context.runOnContext(v -> ctx.end("done"));
    }
  }
}
