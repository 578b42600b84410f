package com.infrafabric.chassis.mcp;

import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.initialize;
import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A {@code tools/call} still running when the chassis stops is answered, not dropped. */
@Timeout(60)
class McpShutdownTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static final String CALL_SPIN =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
          + "\"params\":{\"name\":\"spin\",\"arguments\":{}}}";

  /**
   * Regression: a stop with a tool call's guest spinning left the call to the server's shutdown,
   * which closed its connection at the end of the grace: the client got no JSON-RPC answer. The
   * call is now cancelled just before then and answered a result with {@code isError} and outcome
   * {@code UNAVAILABLE}, saying its guest was stopped while it ran.
   */
  @Test
  void regressionAToolCallRunningAtShutdownIsAnsweredUnavailable() throws Exception {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.http.shutdownGrace", "3s"))) {
      rig.registerSpin();
      String agent = rig.agent("acme", "spin");
      String session = initialize(rig.http, agent);
      CompletableFuture<HttpResponse<String>> call =
          CompletableFuture.supplyAsync(() -> post(rig.http, agent, session, CALL_SPIN));
      await().atMost(Duration.ofSeconds(10)).until(() -> rig.admitted() == 1);

      Future<Void> stopped = rig.service.stop();
      HttpResponse<String> answered = call.get(20, TimeUnit.SECONDS);
      Await.result(stopped, Duration.ofSeconds(20));

      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      JsonObject result = new JsonObject(answered.body()).getJsonObject("result");
      assertThat(result.getBoolean("isError")).isTrue();
      assertThat(result.encode()).contains("UNAVAILABLE", "shut down", "stopped while it ran");
    }
  }
}
