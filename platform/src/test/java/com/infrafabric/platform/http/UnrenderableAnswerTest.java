package com.infrafabric.platform.http;

import static com.infrafabric.platform.http.ErrorShapeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.FuzzedBodies;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure after the handler produced its result (a view nested too deep to encode, a view or an
 * answer that throws) still answers in the one error shape, logs it, and frees the in-flight slot:
 * with a bound of one, the next request is served.
 */
@Timeout(30)
class UnrenderableAnswerTest {

  @TempDir Path dir;
  private ServiceFixture fixture;
  private String token;

  @BeforeEach
  void start() {
    fixture =
        ServiceFixture.start(
            dir,
            builder ->
                builder
                    .settings(HttpSettings.defaults().withPort(0).withMaxInFlight(1))
                    .routes(
                        routes ->
                            routes
                                .get(
                                    "/v1/deep/:depth",
                                    Access.authenticated(),
                                    ctx ->
                                        Responses.respond(
                                            ctx,
                                            200,
                                            Future.succeededFuture(
                                                Integer.parseInt(ctx.pathParam("depth"))),
                                            depth ->
                                                new JsonObject()
                                                    .put("output", FuzzedBodies.nested(depth))))
                                .get(
                                    "/v1/throwing-answer",
                                    Access.authenticated(),
                                    ctx ->
                                        Responses.then(
                                            ctx,
                                            Future.succeededFuture("x"),
                                            x -> {
                                              throw new IllegalStateException("answer bug");
                                            }))));
    token = fixture.tokens.valid("alice");
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void anAnswerNestedTooDeepIsAnErrorAnswerAndALogLineAndFreesTheSlot() {
    try (LogCapture logs = LogCapture.start()) {
      for (int depth : new int[] {ResponseJson.MAX_DEPTH, 1000, 100_000}) {
        JsonObject error =
            assertError(
                fixture.client.get("/v1/deep/" + depth, token), 500, "RESPONSE_NOT_RENDERED");
        assertThat(error.getString("message")).contains("deeper than " + ResponseJson.MAX_DEPTH);
      }
      assertThat(logs.text()).contains("the answer could not be encoded");
    }
    assertThat(fixture.client.get("/v1/deep/" + (ResponseJson.MAX_DEPTH - 2), token).statusCode())
        .as("an answer within the bound is served, so the single in-flight slot was released")
        .isEqualTo(200);
  }

  @Test
  void anAnswerThatThrowsIsAnErrorAnswerNotASilentHang() {
    for (int i = 0; i < 3; i++) {
      assertError(fixture.client.get("/v1/throwing-answer", token), 500, "INTERNAL");
    }
    assertThat(
            fixture
                .client
                .send("GET", "/v1/deep/3", token, Map.of("X-Request-Id", "after"))
                .statusCode())
        .isEqualTo(200);
  }
}
