package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.redis.RedisSettings;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.testing.PrometheusConventions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The main job, as the README's first command runs it, with its invariants as the verdict. */
class DemoCommandTest {

  @Test
  @Timeout(300)
  void theEndToEndScenarioHoldsEveryInvariant() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("REDIS_URL");

    Map<String, String> scrapes = new HashMap<>();
    int status =
        new DemoCommand(env, Clock.systemUTC())
            .run(new PrintStream(printed, true, StandardCharsets.UTF_8), scrapes::putAll);

    String summary = printed.toString(StandardCharsets.UTF_8);
    assertThat(summary).contains("== InfraFabric end-to-end demo ==").doesNotContain("FAIL ");
    assertThat(status).as(summary).isZero();
    assertThat(summary).contains("All invariants hold.").contains("an MCP client listed");
    assertThat(summary).contains("Metrics scraped after the demo: governor");
    for (String scrape : scrapes.values()) {
      PrometheusConventions.assertConventional(scrape, 96 * 1024);
    }
    ObservabilityAssets.assertAllExported(scrapes.values());
    assertThat(summary)
        .as("latency is measured like a benchmark and labelled as this machine's")
        .contains("a measurement on this machine", "taken after the tool runs and apart from them")
        .containsPattern("claim +p50 .* p99\\.9 .*\\(n=1000\\) +p99 (under|OVER) the 10 ms line")
        .containsPattern(
            "reserve\\+commit +p50 .* p99\\.9 .*\\(n=1000\\) +p99 (under|OVER) the 10 ms line");
  }

  /**
   * Regression: the demo ran on an external Redis that held other data and left its tenant's keys
   * there (11,020 of them), while the README said it leaves nothing behind. It now refuses a {@code
   * REDIS_URL} that holds any key, before it starts anything.
   */
  @Test
  @Timeout(60)
  void anExternalRedisThatHoldsDataIsRefusedBeforeAnythingStarts(@TempDir Path directory) {
    try (ManagedRedisServer redis = ManagedRedisServer.builder(directory).build().start()) {
      RedisEndpoint endpoint = redis.endpoint();
      String url =
          "redis://:" + endpoint.password() + "@" + endpoint.host() + ":" + endpoint.port() + "/0";
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("REDIS_URL", url);
      addOneKey(endpoint);

      Throwable refused =
          catchThrowable(
              () ->
                  new DemoCommand(env, Clock.systemUTC())
                      .run(new PrintStream(OutputStream.nullOutputStream())));

      assertThat(refused)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("REDIS_URL names a Redis that holds 1 keys");
      assertThat(Launcher.exitCodeFor(refused)).isEqualTo(2);
    }
  }

  /** Another writer's key. */
  private static void addOneKey(RedisEndpoint endpoint) {
    Vertx vertx = Vertx.vertx();
    try (RedisStore store =
        RedisStore.create(vertx, RedisSettings.of(endpoint), new SimpleMeterRegistry())) {
      store.send("other", Request.cmd(Command.SET).arg("other").arg("data")).await();
    } finally {
      vertx.close().await();
    }
  }
}
