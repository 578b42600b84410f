package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.events.WebhookSignature;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.AdmissionSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threshold events over concurrency are emitted once each, and reach a webhook receiver signed,
 * retried while it fails.
 */
@Timeout(120)
class WebhookDeliveryTest {

  private static final String SECRET = "webhook-secret-for-tests";

  private static final int CALLERS = 16;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private Vertx receiverVertx;
  private HttpServer receiver;
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> signaturesValid = new ConcurrentHashMap<>();
  private final AtomicInteger failuresToInject = new AtomicInteger();

  @BeforeEach
  void startReceiver() {
    receiverVertx = Vertx.vertx();
    receiver =
        Await.result(
            receiverVertx
                .createHttpServer()
                .requestHandler(
                    request ->
                        request
                            .body()
                            .onSuccess(
                                body -> {
                                  if (failuresToInject.getAndDecrement() > 0) {
                                    request.response().setStatusCode(500).end();
                                    return;
                                  }
                                  String payload = body.toString();
                                  JsonObject event = new JsonObject(payload);
                                  signaturesValid.put(
                                      event.getString("id"),
                                      WebhookSignature.verify(
                                          SECRET,
                                          request.getHeader(WebhookSignature.HEADER),
                                          payload));
                                  received.add(event);
                                  request.response().setStatusCode(204).end();
                                }))
                .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stopReceiver() {
    Await.result(receiverVertx.close());
  }

  private WebhookSettings webhooks() {
    URI url = URI.create("http://127.0.0.1:" + receiver.actualPort() + "/hooks");
    return new WebhookSettings(
        List.of(url), SECRET, Duration.ofMillis(500), Duration.ofMillis(200), 8);
  }

  /**
   * The sixteen callers are all admitted however slow the machine is (a fixed admission limit of
   * sixteen): this is about thresholds crossed by concurrent charges, not about shedding them.
   */
  @Test
  void concurrentChargesEmitEachThresholdOnceAndEveryEventArrivesSigned() throws Exception {
    HttpSettings http =
        HttpSettings.defaults().withPort(0).withAdmission(AdmissionSettings.fixed(CALLERS));
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, webhooks(), http)) {
      String t = GovernorRig.freshTenant("hooks");
      rig.budget(t, "day", 10_000, 50, 90);
      String agent = rig.agent(t);

      List<String> statuses =
          Concurrently.run(
                  CALLERS,
                  Duration.ofSeconds(60),
                  i ->
                      () -> {
                        List<String> mine = new ArrayList<>();
                        for (int n = 0; n < 10; n++) {
                          JsonObject charge =
                              new JsonObject().put("scope", t + "/a" + i).put("amount_micros", 70);
                          var response = rig.post("/v1/charges", agent, charge);
                          mine.add(response.statusCode() == 201 ? "201" : response.body());
                        }
                        return mine;
                      })
              .stream()
              .flatMap(List::stream)
              .toList();
      assertThat(statuses).as("every charge is recorded").containsOnly("201");

      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 3);
      assertThat(received)
          .extracting(e -> e.getString("type") + " " + e.getString("threshold_pct"))
          .containsExactlyInAnyOrder(
              "budget.threshold_crossed 50",
              "budget.threshold_crossed 90",
              "budget.cap_reached 100");
      assertThat(signaturesValid.values()).containsOnly(true);
      assertThat(received).allSatisfy(e -> assertThat(e.getString("tenant")).isEqualTo(t));

      JsonObject events = new JsonObject(rig.http.get("/v1/events/" + t, rig.auditor(t)).body());
      assertThat(events.getJsonArray("events")).hasSize(3);
    }
  }

  @Test
  void aFailingReceiverGetsTheEventAgainLater() {
    failuresToInject.set(2);
    try (GovernorServiceRig rig = new GovernorServiceRig(REDIS.endpoint(), directory, webhooks())) {
      String t = GovernorRig.freshTenant("retry");
      rig.budget(t, "lifetime", 100);
      rig.post(
          "/v1/charges", rig.agent(t), new JsonObject().put("scope", t).put("amount_micros", 100));

      await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
      assertThat(failuresToInject.get()).isNegative();
      assertThat(received)
          .extracting(e -> e.getString("type"))
          .containsExactly("budget.cap_reached");
    }
  }

  @Test
  void aForgedSignatureDoesNotVerify() {
    String body = "{\"id\":\"1-0\"}";
    String header = WebhookSignature.header(SECRET, 1_700_000_000L, body);
    assertThat(WebhookSignature.verify(SECRET, header, body)).isTrue();
    assertThat(WebhookSignature.verify(SECRET, header, body.replace('1', '2'))).isFalse();
    assertThat(WebhookSignature.verify("another-secret-of-16", header, body)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, "garbage", body)).isFalse();
  }
}
