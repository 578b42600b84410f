package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.testing.HttpTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression, the probe as it ran: gateway calls through {@code serve} to a provider (one slow
 * stream, one stalled stream, one call never answered), then SIGTERM. The slow stream's client got
 * its whole answer during the drain, but its commit failed, and after a restart every reservation
 * was still open (and expired with nothing spent). Now every one of them is settled in Redis before
 * it shuts down: the slow stream at its reported usage, the cut ones at their bound.
 */
@Timeout(180)
class ServeShutdownGatewayTest {

  private static final String MODEL = "gpt-4o-mini";

  @TempDir Path directory;

  @Test
  void sigtermSettlesEveryGatewayCallInFlight() throws Exception {
    try (FakeProvider provider = FakeProvider.start()) {
      int governorPort = LocalServe.freePort();
      int chassisPort = LocalServe.freePort();
      Path data = directory.resolve("var");
      Path config =
          Files.writeString(
              directory.resolve("serve.properties"),
              String.join(
                  "\n",
                  "http.port=" + governorPort,
                  "chassis.http.port=" + chassisPort,
                  "redis.commandTimeout=10s",
                  "http.shutdownGrace=4s",
                  "gateway.llm.openai.endpoint=" + provider.url(),
                  "gateway.llm.openai.credential=openai-key",
                  "gateway.llm.openai.models=" + MODEL,
                  "gateway.vault.masterKeysFile=" + data.resolve("keys/vault-master.json"),
                  ""));
      Process serve = ServeChild.launch(config, data, directory.resolve("serve.log"));
      try {
        HttpTestClient governor = new HttpTestClient(governorPort);
        ServeChild.awaitListening(governor, data);
        storeOperatorKey(new HttpTestClient(chassisPort), data, provider);
        HttpResponse<String> budget =
            governor.send(
                "PUT",
                "/v1/budgets/acme",
                token(data, "admin", "acme"),
                Map.of(),
                "{\"limits\":{\"day\":{\"cap_micros\":5000000}}}");
        assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
        provider.then(
            new FakeProvider.Behaviour.Paced(Duration.ofMillis(300)),
            new FakeProvider.Behaviour.StallAfter(2),
            new FakeProvider.Behaviour.Hang());
        String agent = token(data, "agent", "acme");
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> slow = call(client, governorPort, agent, true);
        awaitReceived(provider, 1);
        call(client, governorPort, agent, true);
        awaitReceived(provider, 2);
        call(client, governorPort, agent, false);
        awaitReceived(provider, 3);

        serve.toHandle().destroy(); // SIGTERM

        HttpResponse<String> finished = slow.get(30, TimeUnit.SECONDS);
        assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).contains("data: [DONE]");
      } finally {
        serve.destroyForcibly();
      }
      String redisLog = Files.readString(data.resolve("redis/redis.log"));
      assertSettled(data);
      assertThat(redisLog).contains("ready to exit, bye bye");
    }
  }

  /** serve again on the same data, and every call of acme settled: charged, nothing held. */
  private void assertSettled(Path data) throws Exception {
    Path again = Files.createDirectories(directory.resolve("again"));
    Files.move(data, again.resolve("var"));
    try (LocalServe serve = LocalServe.start(again)) {
      HttpResponse<String> status =
          serve.governor.get("/v1/budgets/acme/status", serve.tenantToken("auditor", "acme"));
      JsonObject layer = new JsonObject(status.body()).getJsonArray("layers").getJsonObject(0);
      assertThat(layer.getLong("reserved_micros")).as(status.body()).isZero();
      assertThat(layer.getLong("spent_micros")).as(status.body()).isPositive();
    }
  }

  private static void storeOperatorKey(HttpTestClient chassis, Path data, FakeProvider provider)
      throws Exception {
    JsonObject credential =
        new JsonObject()
            .put("secret", "sk-operator-shutdown-test")
            .put("allow", new JsonArray().add(provider.url()))
            .put("header", "authorization")
            .put("scheme", "Bearer");
    HttpResponse<String> stored =
        chassis.send(
            "PUT",
            "/v1/credentials/openai-key",
            Files.readString(data.resolve("tokens/operator.jwt")).strip(),
            Map.of(),
            credential.encode());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
  }

  private static String token(Path data, String role, String tenant) {
    return TokenMinter.load(data.resolve("keys/signing-private.json"))
        .mint(LocalKeys.spec("local-" + role, role).withScope(tenant), Clock.systemUTC().instant());
  }

  private static CompletableFuture<HttpResponse<String>> call(
      HttpClient client, int port, String token, boolean stream) {
    JsonObject body =
        new JsonObject()
            .put("model", MODEL)
            .put("max_tokens", 100)
            .put("stream", stream)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    return client.sendAsync(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/llm/openai/v1/chat/completions"))
            .header("authorization", "Bearer " + token)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitReceived(FakeProvider provider, int requests) {
    await().atMost(Duration.ofSeconds(20)).until(() -> provider.received().size() >= requests);
  }
}
