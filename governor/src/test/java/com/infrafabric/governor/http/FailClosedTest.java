package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.redis.ManagedRedisServer.AppendFsync;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With Redis gone, the charge path answers 503 within the command timeout and never allows anything
 * optimistically; when Redis returns the service works again without a restart.
 */
@Timeout(120)
class FailClosedTest {

  /** fsync always: the reservation made before the kill must survive it, whatever the load. */
  @RegisterExtension
  static final RedisServerExtension REDIS =
      RedisServerExtension.withAppendFsync(AppendFsync.ALWAYS);

  @TempDir Path directory;

  @Test
  void redisDownMeans503QuicklyAndRedisBackMeansServiceBack() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("closed");
      rig.budget(t, "lifetime", 1_000);
      String agent = rig.agent(t);
      JsonObject spend = new JsonObject().put("scope", t + "/p").put("amount_micros", 10);
      assertThat(rig.post("/v1/reservations", agent, spend).statusCode()).isEqualTo(201);

      REDIS.killHard();
      try {
        for (String path : new String[] {"/v1/reservations", "/v1/charges"}) {
          long start = System.nanoTime();
          HttpResponse<String> down = rig.post(path, agent, spend);
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
          assertThat(json(down).getString("code")).isEqualTo("STORE_UNAVAILABLE");
          assertThat(down.headers().firstValue("Retry-After")).isPresent();
          assertThat(took).isLessThan(GovernorServiceRig.COMMAND_TIMEOUT.plusSeconds(2));
        }
        HttpResponse<String> ready = rig.http.get("/health/ready", rig.auditor());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
      } finally {
        REDIS.restart();
      }

      HttpResponse<String> back = awaitStatus(rig, agent, spend, 201);
      assertThat(back.statusCode()).isEqualTo(201);
      assertThat(rig.http.get("/health/ready", rig.auditor()).statusCode()).isEqualTo(200);
      JsonObject status =
          json(rig.call("GET", "/v1/budgets/" + t + "/status", rig.auditor(t), null));
      assertThat(status.getJsonArray("layers").getJsonObject(0).getLong("reserved_micros"))
          .as("nothing was reserved while Redis was down")
          .isEqualTo(20);
    }
  }

  private static HttpResponse<String> awaitStatus(
      GovernorServiceRig rig, String token, JsonObject body, int status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    HttpResponse<String> last;
    do {
      last = rig.post("/v1/reservations", token, body);
    } while (last.statusCode() != status && System.nanoTime() < deadline);
    return last;
  }
}
