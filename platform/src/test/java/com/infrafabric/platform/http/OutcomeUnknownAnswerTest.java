package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over HTTP: a script that reached Redis before it stalled is answered 503 {@code OUTCOME_UNKNOWN}
 * (it may have been applied, retry with the same key), not {@code STORE_UNAVAILABLE}; and it did
 * run once Redis did.
 */
@Timeout(60)
class OutcomeUnknownAnswerTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final LuaScript INCR = LuaScript.of("incr", "return redis.call('INCR', KEYS[1])");

  @TempDir Path dir;

  @Test
  void aStalledScriptIsAnsweredOutcomeUnknownAndDidRun() {
    RedisStore[] store = new RedisStore[1];
    try (ServiceFixture fixture =
        ServiceFixture.start(
            dir,
            builder -> {
              store[0] =
                  RedisStore.create(
                      builder.vertx(),
                      RedisSettings.of(REDIS.endpoint()).withCommandTimeout(Duration.ofSeconds(1)),
                      new SimpleMeterRegistry());
              builder.routes(
                  routes ->
                      routes.post(
                          "/v1/count",
                          Access.authenticated(),
                          ctx -> {
                            // Echoed as an idempotent route does; absent, as on any other route.
                            String key = ctx.request().getHeader(Requests.IDEMPOTENCY_KEY);
                            if (key != null) {
                              ctx.response().putHeader(Requests.IDEMPOTENCY_KEY, key);
                            }
                            Responses.respond(
                                ctx,
                                200,
                                store[0].eval(INCR, List.of("{t}:count"), List.of()),
                                reply -> new JsonObject().put("count", reply.toLong()));
                          }));
            })) {
      String token = fixture.tokens.valid("alice");
      Await.eventually(() -> store[0].load(List.of(INCR)));
      // Once through the route first: the stall below must meet a sent command, not the opening
      // of a connection for the event loop this client's connection is served on.
      assertThat(fixture.client.post("/v1/count", token, "application/json", "{}").statusCode())
          .isEqualTo(200);

      HttpResponse<String> keyed = stalled(fixture, token, Map.of("Idempotency-Key", "k-1"));

      JsonObject error = assertError(keyed, 503, "OUTCOME_UNKNOWN");
      assertThat(error.getString("message"))
          .contains("same Idempotency-Key (this answer carries it)");
      assertThat(keyed.headers().firstValue("Idempotency-Key")).hasValue("k-1");
      assertThat(keyed.headers().firstValue("Retry-After")).isPresent();
      assertThat(Await.eventually(() -> store[0].send(Request.cmd(Command.GET).arg("{t}:count"))))
          .as("the script ran once Redis could run it")
          .hasToString("2");
      HttpResponse<String> unkeyed = stalled(fixture, token, Map.of());
      // Regression: a route that takes no key was told to retry with one it was never given.
      assertThat(assertError(unkeyed, 503, "OUTCOME_UNKNOWN").getString("message"))
          .doesNotContain("Idempotency-Key")
          .contains("Check before sending it again");
    } finally {
      store[0].close();
    }
  }

  private static HttpResponse<String> stalled(
      ServiceFixture fixture, String token, Map<String, String> headers) {
    REDIS.stall();
    try {
      return fixture.client.send("POST", "/v1/count", token, headers, "{}");
    } finally {
      REDIS.resume();
    }
  }
}
