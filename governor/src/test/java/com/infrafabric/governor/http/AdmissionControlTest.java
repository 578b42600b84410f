package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.AdmissionSettings;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.Concurrently;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The governor sheds what it cannot serve: new spending and new claims beyond the node's admission
 * limit are answered 503 {@code OVERLOADED} with {@code Retry-After} at once, without waiting for
 * the admitted ones and without touching the budget, while settling what was admitted is never
 * refused.
 */
@Timeout(120)
class AdmissionControlTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final int LIMIT = 2;

  @TempDir Path directory;

  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  @Test
  void overTheLimitIsRefusedAtOnceWhileTheAdmittedWaitAndSettlingIsNeverRefused() throws Exception {
    try (GovernorServiceRig rig = rig()) {
      String t = GovernorRig.freshTenant("shed");
      rig.budget(t, "lifetime", 1_000_000);
      String agent = rig.agent(t);
      String reservation =
          json(rig.post("/v1/reservations", agent, spend(t, 50))).getString("reservation_id");

      List<CompletableFuture<HttpResponse<String>>> admitted;
      CompletableFuture<HttpResponse<String>> commit;
      REDIS.stall();
      try {
        admitted = fillTheLimit(rig, agent, t);
        commit =
            async(
                () ->
                    rig.post(
                        "/v1/reservations/" + reservation + "/commit",
                        agent,
                        new JsonObject().put("amount_micros", 10)));

        for (int i = 0; i < 10; i++) {
          HttpResponse<String> refused =
              i % 2 == 0
                  ? rig.post("/v1/charges", agent, spend(t, 7))
                  : rig.post("/v1/reservations", agent, spend(t, 7));
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
          assertThat(json(refused).getString("code")).isEqualTo("OVERLOADED");
          assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        }
        assertThat(admitted)
            .as("the refusals were answered while the admitted requests still waited on Redis")
            .noneMatch(CompletableFuture::isDone);
        assertThat(commit).as("a commit is not admission-controlled").isNotDone();
      } finally {
        REDIS.resume();
      }
      for (CompletableFuture<HttpResponse<String>> call : admitted) {
        assertThat(call.get(30, TimeUnit.SECONDS).statusCode()).isIn(201, 503);
      }
      assertThat(commit.get(30, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
      assertThat(counter(rig, "rejected")).isEqualTo(10);
    }
  }

  /**
   * Shedding costs the caller no connection: a refused request's small body is read and dropped, so
   * the next request goes out on the same keep-alive connection instead of a new one.
   */
  @Test
  void aShedRequestKeepsItsConnectionForTheNextOne() throws Exception {
    try (GovernorServiceRig rig = rig()) {
      String t = GovernorRig.freshTenant("shed-keepalive");
      rig.budget(t, "lifetime", 1_000_000);
      String agent = rig.agent(t);
      HttpClientAgent client =
          rig.vertx.createHttpClient(
              new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
      List<HttpClientResponse> refused = new ArrayList<>();
      REDIS.stall();
      try {
        List<CompletableFuture<HttpResponse<String>>> admitted = fillTheLimit(rig, agent, t);
        for (int i = 0; i < 3; i++) {
          refused.add(Await.result(reserve(client, rig.service.port(), agent, spend(t, 7))));
        }
        assertThat(admitted).noneMatch(CompletableFuture::isDone);
      } finally {
        REDIS.resume();
      }

      assertThat(refused).extracting(HttpClientResponse::statusCode).containsOnly(503);
      assertThat(refused).extracting(r -> r.getHeader(HttpHeaders.CONNECTION)).containsOnlyNulls();
      assertThat(refused)
          .extracting(r -> r.request().connection())
          .as("one connection carried every refused request")
          .containsOnly(refused.get(0).request().connection());
      Await.result(client.close());
    }
  }

  @Test
  void aFloodIsSplitIntoAdmittedAndRefusedAndOnlyTheAdmittedSpend() throws Exception {
    try (GovernorServiceRig rig = rig()) {
      String t = GovernorRig.freshTenant("flood");
      rig.budget(t, "lifetime", 1_000_000_000);
      String agent = rig.agent(t);
      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicInteger mostInFlight = new AtomicInteger();
      CompletableFuture<Void> watcher =
          CompletableFuture.runAsync(() -> watchInFlight(rig, flooding, mostInFlight), callers);

      List<List<Integer>> statuses;
      try {
        statuses =
            Concurrently.run(16, Duration.ofSeconds(60), i -> () -> flood(rig, agent, t, 20));
      } finally {
        flooding.set(false);
      }
      watcher.join();

      List<Integer> all = statuses.stream().flatMap(List::stream).toList();
      long created = all.stream().filter(s -> s == 201).count();
      long refused = all.stream().filter(s -> s == 503).count();
      assertThat(all)
          .as("every answer is admitted or refused as overloaded")
          .containsOnly(201, 503);
      assertThat(refused).as("16 callers against a limit of 2 are refused some").isPositive();
      assertThat(counter(rig, "rejected")).isEqualTo(refused);
      assertThat(mostInFlight.get()).as("requests admitted at once").isBetween(1, LIMIT);
      assertThat(spent(rig, t)).as("only admitted charges spent").isEqualTo(created * 7);
    }
  }

  private GovernorServiceRig rig() {
    return new GovernorServiceRig(
        REDIS.endpoint(),
        directory,
        WebhookSettings.NONE,
        HttpSettings.defaults().withPort(0).withAdmission(AdmissionSettings.fixed(LIMIT)));
  }

  /** Charges {@code count} times; the statuses, with every refusal checked for its shape. */
  private static List<Integer> flood(GovernorServiceRig rig, String agent, String t, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i -> {
              HttpResponse<String> answer = rig.post("/v1/charges", agent, spend(t, 7));
              if (answer.statusCode() == 503) {
                assertThat(json(answer).getString("code")).isEqualTo("OVERLOADED");
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
              }
              return answer.statusCode();
            })
        .toList();
  }

  private static void watchInFlight(
      GovernorServiceRig rig, AtomicBoolean flooding, AtomicInteger most) {
    while (flooding.get()) {
      most.accumulateAndGet((int) inFlight(rig), Math::max);
      Thread.onSpinWait();
    }
  }

  private static Future<HttpClientResponse> reserve(
      HttpClientAgent client, int port, String token, JsonObject body) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/v1/reservations")
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Idempotency-Key", UUID.randomUUID().toString()))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(ignored -> response));
  }

  /** Charges until the limit is full (Redis stalled, they wait); returns the admitted calls. */
  private List<CompletableFuture<HttpResponse<String>>> fillTheLimit(
      GovernorServiceRig rig, String agent, String t) {
    List<CompletableFuture<HttpResponse<String>>> admitted =
        List.of(charge(rig, agent, t), charge(rig, agent, t));
    awaitInFlight(rig, LIMIT);
    return admitted;
  }

  private CompletableFuture<HttpResponse<String>> charge(
      GovernorServiceRig rig, String agent, String t) {
    return async(() -> rig.post("/v1/charges", agent, spend(t, 7)));
  }

  private CompletableFuture<HttpResponse<String>> async(Supplier<HttpResponse<String>> call) {
    return CompletableFuture.supplyAsync(call, callers);
  }

  private static void awaitInFlight(GovernorServiceRig rig, int expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (inFlight(rig) < expected) {
      assertThat(System.nanoTime())
          .as("%d requests admitted in time", expected)
          .isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private static double inFlight(GovernorServiceRig rig) {
    Gauge gauge = rig.meters.find("http.server.admission.in.flight").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private static long counter(GovernorServiceRig rig, String decision) {
    return (long)
        rig.meters.get("http.server.admission").tag("decision", decision).counter().count();
  }

  private static long spent(GovernorServiceRig rig, String tenant) {
    JsonObject status =
        json(rig.call("GET", "/v1/budgets/" + tenant + "/status", rig.auditor(tenant), null));
    return status.getJsonArray("layers").stream()
        .map(JsonObject.class::cast)
        .filter(layer -> layer.getString("scope").equals(tenant))
        .findFirst()
        .orElseThrow()
        .getLong("spent_micros");
  }

  private static JsonObject spend(String scope, long micros) {
    return new JsonObject().put("scope", scope).put("amount_micros", micros);
  }
}
