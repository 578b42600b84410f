package com.infrafabric.sandbox;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a guest writes cannot make its answer unbounded, unencodable, or slow for everyone else:
 * through the REST service, with the operator's default caps (4 MiB output, 1 MiB log).
 */
@Timeout(180)
class AnswerTest {

  private static final long MAX_ANSWER = (4 << 20) + (1 << 20) + (64 << 10);

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static ChassisServiceRig rig;
  private static String agent;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
    byte[] module = Guests.fixture("big-answer.wat");
    HttpResponse<String> registered =
        rig.register(
            module,
            Contracts.forModule("big", module)
                .limit("memory", "maxPages", 65)
                .limit("output", "maxBytes", 4 << 20)
                .limit("timeoutMs", null, 20_000)
                .limit("cpuTimeMs", null, 10_000));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    agent = rig.agent("acme", "big");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void regressionAThousandDeepOutputIsAnsweredAsInvalidOutput() {
    HttpResponse<String> answer = rig.invoke(agent, "big", "1.0.0", "d");
    assertThat(answer.statusCode()).isEqualTo(502);
    JsonObject body = json(answer);
    assertThat(body.getString("code")).isEqualTo("INVALID_OUTPUT");
    assertThat(body.getString("message"))
        .isEqualTo("the tool's output nests arrays and objects deeper than 128 levels");
  }

  @Test
  void controlBytesCannotInflateAnAnswerBeyondItsBound() {
    HttpResponse<String> answer = rig.invoke(agent, "big", "1.0.0", "n");
    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat((long) answer.body().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(MAX_ANSWER);
    JsonObject body = json(answer);
    assertThat(body.getString("outcome")).isEqualTo("TOOL_ERROR");
    assertThat(body.getBoolean("output_truncated")).isTrue();
    assertThat(body.getString("output_text")).hasSize((4 << 20) / 6).matches("\u0000*");
  }

  @Test
  void livenessAnswersQuicklyWhileBigAnswersRender() {
    List<CompletableFuture<HttpResponse<String>>> big = new ArrayList<>();
    for (String mode : List.of("s", "n", "s", "n")) {
      big.add(CompletableFuture.supplyAsync(() -> rig.invoke(agent, "big", "1.0.0", mode)));
    }
    Duration slowest = Duration.ZERO;
    while (!big.stream().allMatch(CompletableFuture::isDone)) {
      long start = System.nanoTime();
      HttpResponse<String> live = rig.http.get("/health/live", null);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(live.statusCode()).isEqualTo(200);
      slowest = took.compareTo(slowest) > 0 ? took : slowest;
    }
    for (CompletableFuture<HttpResponse<String>> answer : big) {
      assertThat(answer.join().statusCode()).isIn(200, 422);
      assertThat((long) answer.join().body().length()).isLessThanOrEqualTo(MAX_ANSWER);
    }
    assertThat(slowest).isLessThan(Duration.ofMillis(1500));
  }
}
