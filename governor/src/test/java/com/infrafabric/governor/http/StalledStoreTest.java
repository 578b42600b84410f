package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * While Redis is stalled (SIGSTOP), charges are refused quickly instead of each waiting the command
 * timeout, with a code that says what is known; readiness says so; once Redis runs again the
 * service serves again by itself.
 */
@Timeout(120)
class StalledStoreTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  @Test
  void aStalledStoreFailsFastAndHonestlyAndRecovers() {
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("stalled");
      rig.budget(t, "lifetime", 1_000_000);
      String agent = rig.agent(t);
      JsonObject charge = new JsonObject().put("scope", t + "/p").put("amount_micros", 3);
      assertThat(rig.post("/v1/charges", agent, charge).statusCode()).isEqualTo(201);

      List<Long> millis = new ArrayList<>();
      REDIS.stall();
      try {
        for (int i = 0; i < 100; i++) {
          long start = System.nanoTime();
          HttpResponse<String> refused = rig.post("/v1/charges", agent, charge);
          millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
          assertThat(json(refused).getString("code"))
              .isIn(Set.of("STORE_UNAVAILABLE", "OUTCOME_UNKNOWN"));
          assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
        long start = System.nanoTime();
        assertThat(rig.http.get("/health/ready", rig.auditor()).statusCode()).isEqualTo(503);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isLessThan(GovernorServiceRig.COMMAND_TIMEOUT);
      } finally {
        REDIS.resume();
      }
      millis.sort(null);
      assertThat(millis.get(98))
          .as(
              "p99 while stalled, ms (the command timeout is %s)",
              GovernorServiceRig.COMMAND_TIMEOUT)
          .isLessThan(1_000);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status;
      do {
        status = rig.post("/v1/charges", agent, charge).statusCode();
      } while (status != 201 && System.nanoTime() < deadline);
      assertThat(status).as("charges are served again once Redis runs").isEqualTo(201);
      assertThat(rig.http.get("/health/ready", rig.auditor()).statusCode()).isEqualTo(200);
    }
  }
}
