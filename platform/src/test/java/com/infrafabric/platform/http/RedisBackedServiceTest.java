package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.AuthResult;
import com.infrafabric.platform.auth.JwtAuthenticator;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.health.Readiness;
import com.infrafabric.platform.health.RedisReadinessCheck;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.ratelimit.RateLimiter;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(90)
class RedisBackedServiceTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final LuaScript SERVICE_SCRIPT =
      LuaScript.of("service_script", "return redis.call('GET', KEYS[1])");

  /**
   * A dialect whose callers named {@code keyed-*} are held by limits of its own, as the gateway's
   * virtual keys are by their buckets.
   */
  private static final WireDialect SELF_LIMITING =
      new WireDialect(
          "/keyed",
          new WireDialect.Callers() {
            @Override
            public Future<AuthResult> authenticate(
                HttpServerRequest request, JwtAuthenticator tokens) {
              return WireDialect.PLATFORM.callers().authenticate(request, tokens);
            }

            @Override
            public boolean limitsItself(Principal caller) {
              return caller.subject().startsWith("keyed-");
            }
          },
          WireDialect.PLATFORM.errors());

  @TempDir Path dir;
  private final BlockingQueue<RoutingContext> held = new LinkedBlockingQueue<>();
  private ServiceFixture fixture;
  private RedisStore store;

  @BeforeEach
  void start() {
    fixture =
        ServiceFixture.start(
            dir,
            builder -> {
              store =
                  RedisStore.create(
                      builder.vertx(),
                      RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(1)),
                      new SimpleMeterRegistry());
              RateLimitPolicy policy =
                  RateLimitPolicy.uniform("svc", new RateLimit(3, 3, Duration.ofMinutes(1)));
              builder
                  .settings(
                      HttpSettings.defaults()
                          .withPort(0)
                          .withReadinessDeadline(Duration.ofSeconds(2))
                          .withAdmission(AdmissionSettings.fixed(1)))
                  .rateLimiter(RateLimiter.create(store, policy, builder.clock(), builder.meters()))
                  .readinessCheck("redis", RedisReadinessCheck.of(store, List.of(SERVICE_SCRIPT)))
                  .routes(
                      routes -> {
                        routes.get("/v1/ping", Access.authenticated(), ctx -> ctx.end("pong"));
                        routes
                            .admissionControlled()
                            .get("/v1/hold", Access.authenticated(), held::add);
                        routes
                            .settling()
                            .get("/v1/settle", Access.authenticated(), ctx -> ctx.end("settled"))
                            .get(
                                "/v1/settle-nothing",
                                Access.authenticated(),
                                ctx ->
                                    ctx.fail(
                                        ApiException.of(
                                            ErrorCode.NOT_FOUND, "Nothing of yours to settle.")));
                        routes
                            .speaking(SELF_LIMITING)
                            .limitedByDialect()
                            .get("/keyed/ping", Access.authenticated(), ctx -> ctx.end("pong"));
                        routes
                            .speaking(SELF_LIMITING)
                            .get("/keyed/list", Access.authenticated(), ctx -> ctx.end("[]"));
                      });
            });
    Await.result(store.send(Request.cmd(Command.FLUSHALL)));
  }

  @AfterEach
  void stop() {
    fixture.close();
    store.close();
  }

  /**
   * Settling what was admitted is never rate limited: a caller whose bucket is spent still settles,
   * where a 429 would strand what it settles (a reservation's charge) until it expires, uncharged.
   */
  @Test
  void settlingRoutesAreServedWhenTheBucketIsSpent() {
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/v1/ping", alice).statusCode()).isEqualTo(200);
    }
    assertError(fixture.client.get("/v1/ping", alice), 429, "RATE_LIMITED");

    for (int i = 0; i < 5; i++) {
      assertThat(fixture.client.get("/v1/settle", alice).body()).isEqualTo("settled");
    }
  }

  /**
   * Regression: a settling route's refusals were as free of the rate limit as its settlements, so a
   * caller past its limit could go on sending requests that each cost the store a lookup (1,000
   * {@code DELETE /mcp} naming no session, all served 404 to an agent whose every {@code POST} was
   * 429). A settling request that is refused settled nothing: it costs a request like any other,
   * and is 429 once the bucket is spent; one that settles something still costs nothing.
   */
  @Test
  void aSettlingRequestThatSettlesNothingIsCharged() {
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 5; i++) {
      assertThat(fixture.client.get("/v1/settle", alice).body()).isEqualTo("settled");
    }
    for (int i = 0; i < 3; i++) {
      assertError(fixture.client.get("/v1/settle-nothing", alice), 404, "NOT_FOUND");
    }
    HttpResponse<String> limited = fixture.client.get("/v1/settle-nothing", alice);

    assertError(limited, 429, "RATE_LIMITED");
    assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    assertError(fixture.client.get("/v1/ping", alice), 429, "RATE_LIMITED");
    assertThat(fixture.client.get("/v1/settle", alice).body()).isEqualTo("settled");
  }

  @Test
  void limitsEachPrincipalWith429AndRetryAfter() {
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/v1/ping", alice).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> limited = fixture.client.get("/v1/ping", alice);

    assertError(limited, 429, "RATE_LIMITED");
    assertThat(limited.headers().firstValue("Retry-After")).contains("20");
    assertThat(fixture.client.get("/v1/ping", fixture.tokens.valid("bob")).statusCode())
        .isEqualTo(200);
    assertThat(fixture.client.get("/health/ready", null).statusCode())
        .as("anonymous probes are not rate limited")
        .isEqualTo(200);
  }

  /**
   * A caller its dialect limits itself (a virtual key, held by the rpm its admin set) takes nothing
   * from the per-principal bucket, which would otherwise cap it below what its admin allowed; the
   * dialect's other callers are limited as anywhere.
   */
  @Test
  void aCallerItsDialectLimitsItselfIsNotHeldByThePerPrincipalLimit() {
    String keyed = fixture.tokens.valid("keyed-1");
    for (int i = 0; i < 6; i++) {
      assertThat(fixture.client.get("/keyed/ping", keyed).statusCode()).isEqualTo(200);
    }
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/keyed/ping", alice).statusCode()).isEqualTo(200);
    }
    assertError(fixture.client.get("/keyed/ping", alice), 429, "RATE_LIMITED");
  }

  /**
   * Regression: a caller its dialect limits itself was exempt from the per-principal limit on every
   * route of the dialect, one whose handler takes nothing from its own limits too (the gateway's
   * model list answered a virtual key of 2 requests a minute 14,013 times in 6 s). Only the routes
   * registered as limited by the dialect exempt it.
   */
  @Test
  void aCallerItsDialectLimitsItselfIsHeldByThePerPrincipalLimitElsewhere() {
    String keyed = fixture.tokens.valid("keyed-2");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/keyed/list", keyed).statusCode()).isEqualTo(200);
    }

    assertError(fixture.client.get("/keyed/list", keyed), 429, "RATE_LIMITED");
    assertThat(fixture.client.get("/keyed/ping", keyed).statusCode()).isEqualTo(200);
  }

  /**
   * The refusal's sentence gives the wait its {@code Retry-After} does, when the bucket refills a
   * fraction of a second past a whole one: both are that wait in whole seconds, rounded up.
   */
  @Test
  void aRateLimitSaysTheWaitItsRetryAfterHeaderGives() {
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/v1/ping", alice).statusCode()).isEqualTo(200);
    }
    fixture.clock.advance(Duration.ofMillis(300));

    HttpResponse<String> limited = fixture.client.get("/v1/ping", alice);

    assertError(limited, 429, "RATE_LIMITED");
    assertThat(limited.headers().firstValue("Retry-After")).contains("20");
    assertThat(new JsonObject(limited.body()).getString("message")).contains("retry after 20 s.");
  }

  @Test
  void readinessAnswersAProbeWithoutATokenAndShowsDetailOnlyToATokenHolder() {
    JsonObject probe = new JsonObject(fixture.client.get("/health/ready", null).body());
    JsonObject holder =
        new JsonObject(fixture.client.get("/health/ready", fixture.tokens.valid("alice")).body());

    assertThat(probe.getString("status")).isEqualTo("UP");
    assertThat(probe.getJsonObject("checks").getJsonObject("redis").fieldNames())
        .containsExactly("status");
    assertThat(holder.getJsonObject("checks").getJsonObject("redis").getString("detail"))
        .startsWith("a write probe answered");
    assertError(
        fixture.client.get("/health/ready", fixture.tokens.forged("alice")),
        401,
        "UNAUTHENTICATED");
  }

  /**
   * Regression: a token holder's readiness request, a fresh evaluation with a Redis round trip of
   * its own, was never charged to its rate limit, so one token asked for thousands a second.
   */
  @Test
  void aTokenHoldersReadinessRequestsAreChargedToItsRateLimit() {
    String alice = fixture.tokens.valid("alice");
    for (int i = 0; i < 3; i++) {
      assertThat(fixture.client.get("/health/ready", alice).statusCode()).isEqualTo(200);
    }

    assertError(fixture.client.get("/health/ready", alice), 429, "RATE_LIMITED");
    assertThat(fixture.client.get("/health/ready", null).statusCode()).isEqualTo(200);
  }

  /**
   * Regression: a request admission's gate shed 503 {@code OVERLOADED} was never charged to its
   * caller, so a caller flooding a full node never met its 429: one token kept a node's
   * latency-bound routes busy refusing it at 15 times its limit.
   */
  @Test
  void requestsShedByAdmissionAreChargedToTheCallersRateLimit() throws Exception {
    String alice = fixture.tokens.valid("alice");
    CompletableFuture<HttpResponse<String>> holding = fixture.client.getAsync("/v1/hold", alice);
    RoutingContext hold = held.poll(10, TimeUnit.SECONDS);
    assertThat(hold).as("the admitted request holds the only slot").isNotNull();

    List<String> codes = new ArrayList<>();
    while (codes.size() < 10 && !codes.contains("RATE_LIMITED")) {
      codes.add(new JsonObject(fixture.client.get("/v1/hold", alice).body()).getString("code"));
    }

    assertThat(codes).as("the bucket of 3 is spent by shed requests").contains("RATE_LIMITED");
    assertThat(codes.subList(0, 2)).containsOnly("OVERLOADED");
    hold.vertx().runOnContext(v -> hold.end("done"));
    assertThat(holding.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aFloodOfProbesSharesItsRedisRoundTrips() {
    long before = writeProbes();
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      assertThat(fixture.client.get("/health/ready", null).statusCode()).isEqualTo(200);
    }
    long elapsedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

    long evaluations = elapsedMillis / Readiness.FRESH_FOR.toMillis() + 2;
    long after = writeProbes();
    assertThat(after - before)
        .as("200 probes in %d ms", elapsedMillis)
        .isPositive()
        .isLessThanOrEqualTo(evaluations);
  }

  /** The readiness round trips Redis answered: its write probe is the one script it evaluates. */
  private long writeProbes() {
    String stats =
        Await.result(store.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    return stats
        .lines()
        .filter(line -> line.startsWith("cmdstat_eval:"))
        .map(line -> Long.parseLong(line.replaceAll("^cmdstat_eval:calls=(\\d+),.*", "$1")))
        .findFirst()
        .orElse(0L);
  }

  @Test
  void readinessAndLimiterFailClosedWhileRedisIsDownAndRecoverAfterwards() {
    String token = fixture.tokens.valid("alice");
    HttpResponse<String> ready = fixture.client.get("/health/ready", token);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(
            new JsonObject(ready.body())
                .getJsonObject("checks")
                .getJsonObject("redis")
                .getString("status"))
        .isEqualTo("UP");

    REDIS.killHard();
    try {
      long start = System.nanoTime();
      HttpResponse<String> down = fixture.client.get("/health/ready", token);
      HttpResponse<String> limited = fixture.client.get("/v1/ping", token);

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(down.body()).getString("status")).isEqualTo("DOWN");
      assertError(limited, 503, "STORE_UNAVAILABLE");
      assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    } finally {
      REDIS.restart();
    }

    HttpResponse<String> recovered = fixture.client.get("/health/ready", token);
    assertThat(recovered.statusCode()).isEqualTo(200);
    assertThat(recovered.body()).contains("scripts reloaded");
    assertThat(fixture.client.get("/v1/ping", token).statusCode()).isEqualTo(200);
  }

  @Test
  void theAccessLogNamesTheTraceACallerSent() {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    try (LogCapture logs = LogCapture.start()) {
      fixture.client.send(
          "GET",
          "/v1/ping",
          fixture.tokens.valid("alice"),
          Map.of("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
      fixture.client.send(
          "GET", "/v1/ping", fixture.tokens.valid("bob"), Map.of("traceparent", "not-a-trace"));

      // The line is written when the response has ended, which may be just after it arrived.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> logs.events("infrafabric.access").size() >= 2);
      List<Map<String, Object>> lines =
          logs.events("infrafabric.access").stream()
              .map(
                  e ->
                      e.getKeyValuePairs().stream()
                          .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value)))
              .toList();
      assertThat(lines).extracting(line -> line.get("traceId")).containsExactly(trace, "-");
    }
  }

  @Test
  void neverLetsATokenOrTheRedisPasswordReachLogsOrResponses() {
    String canaryToken = fixture.tokens.valid("canary-subject");
    String redisPassword = REDIS.endpoint().password();
    List<String> responses = new ArrayList<>();
    try (LogCapture logs = LogCapture.start()) {
      responses.add(body(fixture.client.get("/v1/ping", canaryToken)));
      responses.add(
          body(fixture.client.get("/v1/ping?token=" + canaryToken, fixture.tokens.expired("x"))));
      responses.add(body(fixture.client.get("/v1/ping", canaryToken + "x")));
      REDIS.killHard();
      try {
        responses.add(body(fixture.client.get("/v1/ping", canaryToken)));
        responses.add(body(fixture.client.get("/health/ready", canaryToken)));
      } finally {
        REDIS.restart();
      }
      String everything = logs.text() + String.join("\n", responses);

      assertThat(everything).doesNotContain(canaryToken).doesNotContain(redisPassword);
      assertThat(everything)
          .doesNotContain(canaryToken.substring(canaryToken.lastIndexOf('.') + 1));
      assertAccessLogged(logs.events("infrafabric.access"));
    }
  }

  private static void assertAccessLogged(List<ILoggingEvent> access) {
    assertThat(access).hasSizeGreaterThanOrEqualTo(5);
    Map<String, Object> first =
        access.get(0).getKeyValuePairs().stream()
            .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    assertThat(first)
        .containsEntry("method", "GET")
        .containsEntry("route", "/v1/ping")
        .containsEntry("status", 200)
        .containsEntry("subject", "canary-subject")
        .containsKeys("requestId", "durationMs");
  }

  private static String body(HttpResponse<String> response) {
    return response.headers().map() + response.body();
  }
}
