package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a provider's connections were one pool every tenant shared, and a call waited for one
 * as long as it took. One tenant's 140 streams the provider stalled held all 128 connections, and
 * another tenant's single call waited 28 s for one (until those streams hit the stream bound), then
 * was sent and charged although its client had left after 3 s. With a tenant held to half of them,
 * two tenants' stalled streams still left a third only the connection wait, then a 503. Now a
 * provider's calls in flight are tenant slots: at most half for one tenant, a tenant under its fair
 * share admitted on a full node (up to twice the bound, which the relay's pool carries), and any
 * call past them answered 503 at once with nothing charged.
 */
@Timeout(120)
class GatewayUpstreamPoolTest {

  private static final int CONNECTIONS = 4;
  private static final Duration CONNECTION_WAIT = Duration.ofSeconds(3);

  @RegisterExtension
  static final GatewayRig RIG =
      GatewayRig.tuning(
          provider ->
              provider
                  .withTimeout(Duration.ofSeconds(20))
                  .withConnections(CONNECTION_WAIT, CONNECTIONS));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<InputStream> streams = new ArrayList<>();

  @AfterEach
  void closeStreams() {
    try {
      for (InputStream stream : streams) {
        stream.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void oneTenantsStalledStreamsLeaveAnotherTenantTheConnectionsItNeeds() {
    String flooding = RIG.agent(RIG.fundedScope(100_000_000));
    RIG.primary.then(stalls(CONNECTIONS + 1));

    List<HttpResponse<InputStream>> opened =
        IntStream.rangeClosed(0, CONNECTIONS)
            .mapToObj(i -> send(flooding, true, "flood " + i))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();
    opened.forEach(response -> streams.add(response.body()));

    assertThat(opened.stream().filter(response -> response.statusCode() == 200))
        .hasSize(CONNECTIONS / 2);
    HttpResponse<InputStream> refused =
        opened.stream().filter(response -> response.statusCode() != 200).findFirst().orElseThrow();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).contains("1");
    assertThat(text(refused)).contains("its share of the provider's connections");
    String other = RIG.fundedScope(100_000_000);
    long started = System.nanoTime();
    HttpResponse<InputStream> answered = send(RIG.agent(other), false, "hello").join();
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECTION_WAIT);
  }

  @Test
  void twoTenantsHoldingHalfTheConnectionsEachLeaveAThirdTenantItsFairShare() {
    fillThePool();
    String third = RIG.fundedScope(100_000_000);

    long started = System.nanoTime();
    HttpResponse<InputStream> answered = send(RIG.agent(third), false, "hello").join();

    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECTION_WAIT);
  }

  @Test
  void aCallPastEverySlotIsAnswered503AtOnceInTheCallersDialectAndNothingCharged() {
    fillThePool();
    // Tenants under their fair share take the slots beyond the bound, one each, up to twice it.
    RIG.primary.then(stalls(CONNECTIONS));
    for (int tenant = 0; tenant < CONNECTIONS; tenant++) {
      HttpResponse<InputStream> opened =
          send(RIG.agent(RIG.fundedScope(100_000_000)), true, "stall").join();
      assertThat(opened.statusCode()).isEqualTo(200);
      streams.add(opened.body());
    }
    String refusedScope = RIG.fundedScope(100_000_000);

    long started = System.nanoTime();
    HttpResponse<InputStream> refused =
        send(RIG.agent(refusedScope), false, "past every slot").join();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).contains("1");
    assertThat(refused.headers().firstValue("x-error-code")).contains("UPSTREAM_UNAVAILABLE");
    JsonObject error = new JsonObject(text(refused)).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("upstream_unavailable");
    assertThat(error.getString("message"))
        .contains("carries a call", "its fair share", "nothing was charged");
    RIG.awaitSettled(refusedScope, 0);
    assertThat(RIG.primary.received())
        .noneMatch(received -> received.body().encode().contains("past every slot"));
  }

  /** Two tenants' stalled streams, each tenant's whole share: every connection is held. */
  private void fillThePool() {
    RIG.primary.then(stalls(CONNECTIONS));
    for (int tenant = 0; tenant < 2; tenant++) {
      String token = RIG.agent(RIG.fundedScope(100_000_000));
      List<CompletableFuture<HttpResponse<InputStream>>> opened =
          IntStream.range(0, CONNECTIONS / 2).mapToObj(i -> send(token, true, "stall")).toList();
      for (CompletableFuture<HttpResponse<InputStream>> response : opened) {
        assertThat(response.join().statusCode()).isEqualTo(200);
        streams.add(response.join().body());
      }
    }
  }

  private static FakeProvider.Behaviour[] stalls(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new FakeProvider.Behaviour.StallAfter(1))
        .toArray(FakeProvider.Behaviour[]::new);
  }

  private static CompletableFuture<HttpResponse<InputStream>> send(
      String token, boolean stream, String text) {
    return HTTP.sendAsync(
        request(token, stream, text).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static HttpRequest.Builder request(String token, boolean stream, String text) {
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 50)
            .put("stream", stream)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
    return HttpRequest.newBuilder(URI.create(RIG.openAiBase() + "/chat/completions"))
        .header("authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
  }

  private static String text(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      return new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
