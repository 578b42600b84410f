package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governor's stop returns only once every gateway call in flight is settled in Redis: the one
 * that finished during the drain at its reported usage, the ones cut at the end of the grace at
 * their bound; the Redis client and the server (with SHUTDOWN) are closed after it, as the launcher
 * does, and after a restart nothing is held. The launcher's own SIGTERM path, where the server used
 * to be killed at the start of the drain, is {@code ServeShutdownGatewayTest}'s.
 */
@Timeout(120)
class GatewayShutdownTest {

  private static final Duration GRACE = Duration.ofSeconds(4);

  @TempDir Path directory;

  @Test
  void everyCallInFlightAtShutdownIsSettledBeforeTheStoreCloses() throws Exception {
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("redis")).build().start();
    try (GatewayFixture fixture = new GatewayFixture()) {
      GovernorServiceRig governor = governor(server, fixture, "first");
      List<String> scopes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        scopes.add(GovernorRig.freshTenant("down") + "/agents");
        governor.budget(scopes.get(i), "day", 1_000_000);
      }
      long answered = cost(governor, 7, FakeProvider.OUTPUT_TOKENS);
      fixture.primary.then(
          new FakeProvider.Behaviour.Paced(Duration.ofMillis(250)),
          new FakeProvider.Behaviour.StallAfter(2),
          new FakeProvider.Behaviour.Hang());
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> slow = call(client, governor, scopes.get(0), true);
      awaitReceived(fixture.primary, 1);
      call(client, governor, scopes.get(1), true);
      awaitReceived(fixture.primary, 2);
      call(client, governor, scopes.get(2), false);
      awaitReceived(fixture.primary, 3);

      Future<Void> stopped = governor.service.stop();
      HttpResponse<String> finished = slow.get(30, TimeUnit.SECONDS);
      Await.result(stopped, Duration.ofSeconds(60));
      governor.redis.close();
      Await.result(governor.vertx.close());
      server.stop();

      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(finished.body()).contains("data: [DONE]");
      assertThat(Files.readString(server.log())).contains("ready to exit, bye bye");
      server.start();
      GovernorServiceRig restarted = governor(server, fixture, "second");
      try {
        assertThat(restarted.spentAndReserved(scopes.get(0))).containsExactly(answered, 0L);
        for (String cut : scopes.subList(1, 3)) {
          long[] state = restarted.spentAndReserved(cut);
          assertThat(state[1]).as("%s still holds a reservation", cut).isZero();
          assertThat(state[0]).as("%s was charged", cut).isGreaterThan(answered);
        }
      } finally {
        restarted.close();
      }
    } finally {
      server.stop();
    }
  }

  /**
   * Regression: a stream still live when the grace ran out was dropped with its connection, no
   * error event sent, and settled as {@code client_disconnected:usage_unreported}, though its
   * client never left. The gateway now cuts it just before the connections close: the client gets
   * OpenAI's error event and the end of the stream, and the ledger says the shutdown cut it.
   */
  @Test
  void aStreamLiveAtTheEndOfTheGraceEndsWithAnErrorEventAndIsSettledAsCutByTheShutdown()
      throws Exception {
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("redis")).build().start();
    try (GatewayFixture fixture = new GatewayFixture()) {
      GovernorServiceRig governor = governor(server, fixture, "first");
      String scope = GovernorRig.freshTenant("down") + "/agents";
      governor.budget(scope, "day", 1_000_000);
      // Stalled for less than the provider's 5 s timeout: live until the 4 s grace ends.
      fixture.primary.then(new FakeProvider.Behaviour.StallAfter(2));
      CompletableFuture<HttpResponse<String>> live =
          call(HttpClient.newHttpClient(), governor, scope, true);
      awaitReceived(fixture.primary, 1);

      HttpResponse<String> cut = stopWhileWaiting(governor, server, live);

      assertThat(cut.statusCode()).isEqualTo(200);
      assertThat(cut.body())
          .contains("\"code\":\"upstream_invalid\"", "the gateway is shutting down")
          .doesNotContain("data: [DONE]");
      assertChargedAsCutByTheShutdown(server, fixture, scope);
    } finally {
      server.stop();
    }
  }

  /**
   * Regression: a whole (not streamed) call still waiting on its provider when the grace ran out
   * was dropped with its connection, its client given no answer, and settled as {@code
   * upstream_timeout:usage_unreported} when the provider's connection was closed. The gateway now
   * answers it just before the connections close, 503 {@code gateway_shutting_down} in its dialect,
   * not to be retried as it was charged as reserved, and the ledger says the shutdown cut it.
   */
  @Test
  void aWholeCallWaitingOnItsProviderAtTheEndOfTheGraceIsAnsweredAndSettledAsCutByTheShutdown()
      throws Exception {
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("redis")).build().start();
    try (GatewayFixture fixture = new GatewayFixture()) {
      GovernorServiceRig governor = governor(server, fixture, "first");
      String scope = GovernorRig.freshTenant("down") + "/agents";
      governor.budget(scope, "day", 1_000_000);
      // Silent for longer than the 4 s grace, less than the provider's 5 s timeout.
      fixture.primary.then(new FakeProvider.Behaviour.Slow(Duration.ofMillis(4_500)));
      CompletableFuture<HttpResponse<String>> waiting =
          call(HttpClient.newHttpClient(), governor, scope, false);
      awaitReceived(fixture.primary, 1);

      HttpResponse<String> cut = stopWhileWaiting(governor, server, waiting);

      assertThat(cut.statusCode()).isEqualTo(503);
      assertThat(cut.headers().firstValue("x-should-retry")).hasValue("false");
      assertThat(cut.body()).contains("\"code\":\"gateway_shutting_down\"", "shut down");
      assertChargedAsCutByTheShutdown(server, fixture, scope);
    } finally {
      server.stop();
    }
  }

  /**
   * Regression: a stop while Redis stayed unreachable gave up on the calls' settlements after 30 s
   * with one WARN naming none of them; their reservations then expired uncharged and nothing said
   * which calls a provider had billed. Each call abandoned is now logged as an ERROR with its
   * reservation and the most it is charged, and counted; and its reservation's expiry, once a node
   * sweeps it, charges it that most: a call the provider may have billed is never left uncharged.
   */
  @Test
  void aCallStillUnsettledWhenTheNodeGivesUpIsLoggedCountedAndChargedByItsExpiry()
      throws Exception {
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("redis")).build().start();
    try (GatewayFixture fixture = new GatewayFixture();
        LogCapture logs = LogCapture.start()) {
      GovernorServiceRig governor = governor(server, fixture, "first");
      String scope = GovernorRig.freshTenant("down") + "/agents";
      governor.budget(scope, "day", 1_000_000);
      fixture.primary.then(new FakeProvider.Behaviour.StallAfter(2));
      CompletableFuture<HttpResponse<String>> live =
          call(HttpClient.newHttpClient(), governor, scope, true);
      awaitReceived(fixture.primary, 1);
      signal(server, "-STOP");
      try {
        Await.result(governor.service.stop(), Duration.ofSeconds(90));
      } finally {
        signal(server, "-CONT");
      }
      governor.redis.close();
      Await.result(governor.vertx.close());

      List<String> errors =
          logs.events(GatewayRoutes.class.getName()).stream()
              .filter(event -> event.getLevel() == Level.ERROR)
              .map(event -> event.getFormattedMessage())
              .toList();
      assertThat(errors).hasSize(1);
      assertThat(errors.get(0)).contains("NOT settled", scope, "micro-dollars", "charged");
      assertThat(governor.meters.counter("governor.gateway.settlements.abandoned").count())
          .isEqualTo(1.0);
      assertChargedItsWorstCaseByItsExpiry(server, fixture, scope);
    } finally {
      server.stop();
    }
  }

  /**
   * Stops {@code governor} while {@code call} waits on its provider, then its Redis; returns the
   * call's answer.
   */
  private static HttpResponse<String> stopWhileWaiting(
      GovernorServiceRig governor,
      ManagedRedisServer server,
      CompletableFuture<HttpResponse<String>> call)
      throws Exception {
    Future<Void> stopped = governor.service.stop();
    HttpResponse<String> answer = call.get(30, TimeUnit.SECONDS);
    Await.result(stopped, Duration.ofSeconds(60));
    governor.redis.close();
    Await.result(governor.vertx.close());
    server.stop();
    return answer;
  }

  /**
   * On a node started again on the same Redis: {@code scope}'s call was charged, nothing is left
   * reserved, and its last ledger entry says the shutdown cut it.
   */
  private void assertChargedAsCutByTheShutdown(
      ManagedRedisServer server, GatewayFixture fixture, String scope) throws Exception {
    server.start();
    GovernorServiceRig restarted = governor(server, fixture, "second");
    try {
      long[] state = restarted.spentAndReserved(scope);
      assertThat(state[1]).isZero();
      assertThat(state[0]).isPositive();
      List<JsonObject> ledger = restarted.ledger(scope);
      assertThat(ledger.get(ledger.size() - 1).getJsonObject("fields").getString("out"))
          .isEqualTo("shutdown" + Charge.UNREPORTED);
    } finally {
      restarted.close();
    }
  }

  /**
   * On a node started on the same Redis past every gateway reservation's expiry: {@code scope}'s
   * one call, never settled, is committed by its sweeper at what its reservation held.
   */
  private void assertChargedItsWorstCaseByItsExpiry(
      ManagedRedisServer server, GatewayFixture fixture, String scope) throws Exception {
    GovernorServiceRig later =
        governor(server, fixture, "later", Instant.now().plus(Duration.ofHours(1)));
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> later.operations(scope).size() == 2);
      List<JsonObject> ledger = later.operations(scope);
      JsonObject reserved = ledger.get(0);
      JsonObject charged = ledger.get(1);
      assertThat(reserved.getString("type")).isEqualTo("reserve");
      assertThat(charged.getString("type")).isEqualTo("commit");
      assertThat(charged.getJsonObject("fields").getString("by")).isEqualTo("expiry");
      assertThat(charged.getLong("spent_delta_micros"))
          .isEqualTo(reserved.getLong("amount_micros"))
          .isPositive();
      assertThat(charged.getLong("reserved_delta_micros"))
          .isEqualTo(-reserved.getLong("amount_micros"));
    } finally {
      later.close();
    }
  }

  private static void signal(ManagedRedisServer server, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(server.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
  }

  private GovernorServiceRig governor(
      ManagedRedisServer server, GatewayFixture fixture, String name) throws Exception {
    return governor(server, fixture, name, Instant.now());
  }

  /** A governor on {@code server} whose clock starts at {@code start}. */
  private GovernorServiceRig governor(
      ManagedRedisServer server, GatewayFixture fixture, String name, Instant start)
      throws Exception {
    GovernorServiceRig rig =
        new GovernorServiceRig(
            server.endpoint(),
            Files.createDirectories(directory.resolve(name)),
            HttpSettings.defaults().withPort(0).withShutdownGrace(GRACE),
            fixture.settings(),
            start);
    fixture.sealKeys(rig.redis);
    Await.result(rig.service.pricing().replace(GatewayFixture.prices(), -1));
    return rig;
  }

  private static long cost(GovernorServiceRig governor, long input, long output) {
    return governor.service.pricing().get().cost("gpt-test", new TokenUsage(input, 0, output));
  }

  /** One chat call of an agent of {@code scope}, streamed or not. */
  private static CompletableFuture<HttpResponse<String>> call(
      HttpClient client, GovernorServiceRig governor, String scope, boolean stream) {
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 100)
            .put("stream", stream)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + governor.service.port()
                        + GatewayRoutes.OPENAI
                        + "/chat/completions"))
            .header("authorization", "Bearer " + governor.agent(scope))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitReceived(FakeProvider provider, int requests) {
    await().atMost(Duration.ofSeconds(10)).until(() -> provider.received().size() >= requests);
  }
}
