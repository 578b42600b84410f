package com.infrafabric.chassis.http;

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

/** A REST invocation still running when the chassis stops is answered, not dropped. */
@Timeout(60)
class InvocationShutdownTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  /**
   * Regression: a stop with a spinning guest running left its REST invocation to the server's
   * shutdown, which closed the connection at the end of the grace: the client got an empty reply
   * and no outcome. The invocation is now cancelled just before then and answered 503 {@code
   * UNAVAILABLE}, saying its guest was stopped while it ran.
   */
  @Test
  void regressionAnInvocationRunningAtShutdownIsAnsweredUnavailable() throws Exception {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.http.shutdownGrace", "3s"))) {
      rig.registerSpin();
      String agent = rig.agent("acme", "spin");
      CompletableFuture<HttpResponse<String>> running =
          CompletableFuture.supplyAsync(() -> rig.invoke(agent, "spin", "1.0.0", 1));
      await().atMost(Duration.ofSeconds(10)).until(() -> rig.admitted() == 1);

      Future<Void> stopped = rig.service.stop();
      HttpResponse<String> answered = running.get(20, TimeUnit.SECONDS);
      Await.result(stopped, Duration.ofSeconds(20));

      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(503);
      JsonObject body = new JsonObject(answered.body());
      assertThat(body.getString("outcome")).isEqualTo("UNAVAILABLE");
      assertThat(body.encode()).contains("shut down", "stopped while it ran");
    }
  }
}
