package com.infrafabric.governor.events;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.tenant.Window;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.MutableClock;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two governor nodes retry the same pending webhook events at the same instant: each retry goes out
 * once, and each exhausted event is dead-lettered once. The review saw every node claim every due
 * retry (XCLAIM with min-idle 0), so one retry went out once per node.
 */
@Timeout(120)
class WebhookRetryOwnershipTest {

  private static final int EVENTS = 20;
  private static final String SECRET = "webhook-secret-for-tests";

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private volatile boolean failEverything;
  private Vertx vertx;
  private HttpServer receiver;
  private GovernorRig rig;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    rig = new GovernorRig(REDIS.endpoint(), MutableClock.at("2026-11-23T10:00:00Z"));
    receiver =
        Await.result(
            vertx
                .createHttpServer()
                .requestHandler(
                    request ->
                        request
                            .body()
                            .onSuccess(
                                body -> {
                                  String id = new JsonObject(body.toString()).getString("id");
                                  int attempt =
                                      attempts
                                          .computeIfAbsent(id, k -> new AtomicInteger())
                                          .incrementAndGet();
                                  boolean fail = failEverything || attempt == 1;
                                  request.response().setStatusCode(fail ? 500 : 204).end();
                                }))
                .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    rig.close();
    Await.result(vertx.close());
  }

  @Test
  void aRetryDueOnTwoNodesGoesOutOnce() throws InterruptedException {
    String t = capsReached(8);
    WebhookDispatcher first = dispatcher("node-a", 8);
    Await.result(first.deliverOnce());
    assertThat(attempts).hasSize(EVENTS).allSatisfy((id, n) -> assertThat(n.get()).isOne());

    awaitAllIdle(t, settings(8).claimAfter(1));
    bothAtOnce(first, dispatcher("node-b", 8));

    assertThat(attempts)
        .as("each event: one failed delivery, then exactly one retry")
        .hasSize(EVENTS)
        .allSatisfy((id, n) -> assertThat(n.get()).as(id).isEqualTo(2));
    assertThat(pending(t, Duration.ZERO)).isZero();
  }

  @Test
  void anEventOutOfAttemptsIsDeadLetteredOnceWhateverTheNumberOfNodes()
      throws InterruptedException {
    failEverything = true;
    String t = capsReached(1);
    WebhookDispatcher first = dispatcher("node-a", 1);
    Await.result(first.deliverOnce());

    awaitAllIdle(t, settings(1).claimAfter(1));
    bothAtOnce(first, dispatcher("node-b", 1));

    assertThat(length("gov:{" + t + "}:events-dead")).isEqualTo(EVENTS);
    assertThat(pending(t, Duration.ZERO)).isZero();
    assertThat(attempts).allSatisfy((id, n) -> assertThat(n.get()).as(id).isOne());
  }

  /** A tenant with {@link #EVENTS} budget events, none delivered yet. */
  private String capsReached(int maxAttempts) {
    String t = freshTenant("hooks-" + maxAttempts);
    for (int i = 0; i < EVENTS; i++) {
      rig.budget(t + "/s" + i, Window.LIFETIME, 100);
      rig.charge(t + "/s" + i, 100);
    }
    assertThat(length(EventStream.BUDGET.key(t))).isEqualTo(EVENTS);
    return t;
  }

  private WebhookSettings settings(int maxAttempts) {
    URI url = URI.create("http://127.0.0.1:" + receiver.actualPort() + "/hooks");
    return new WebhookSettings(
        List.of(url), SECRET, Duration.ofMillis(250), Duration.ofMillis(100), maxAttempts);
  }

  private WebhookDispatcher dispatcher(String node, int maxAttempts) {
    return new WebhookDispatcher(
        rig.vertx, rig.redis, settings(maxAttempts), rig.clock, new SimpleMeterRegistry(), node);
  }

  private static void bothAtOnce(WebhookDispatcher first, WebhookDispatcher second)
      throws InterruptedException {
    List<WebhookDispatcher> nodes = List.of(first, second);
    Concurrently.run(
        2, Duration.ofSeconds(60), i -> () -> Await.result(nodes.get(i).deliverOnce()));
  }

  /** Waits (polling, with a deadline) until every pending event is idle long enough to retry. */
  private void awaitAllIdle(String tenant, Duration idle) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> pending(tenant, idle) == EVENTS);
  }

  private long pending(String tenant, Duration minIdle) {
    return Await.result(
            rig.redis.send(
                Request.cmd(Command.XPENDING)
                    .arg(EventStream.BUDGET.key(tenant))
                    .arg(WebhookDispatcher.GROUP)
                    .arg("IDLE")
                    .arg(minIdle.toMillis())
                    .arg("-")
                    .arg("+")
                    .arg(1000)))
        .size();
  }

  private long length(String stream) {
    return Await.result(rig.redis.send(Request.cmd(Command.XLEN).arg(stream))).toLong();
  }
}
