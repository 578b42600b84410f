package com.infrafabric.governor.http;

import static com.infrafabric.platform.testing.SecretAssertions.assertNotLeaked;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Canary secrets (bearer tokens, the Redis password) never reach logs, responses or metrics. */
@Timeout(120)
class SecretsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void tokensAndTheRedisPasswordNeverAppearInLogsResponsesOrMetrics() {
    String redisPassword = REDIS.endpoint().password();
    try (LogCapture logs = LogCapture.start();
        GovernorServiceRig rig =
            new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE)) {
      String t = GovernorRig.freshTenant("canary");
      rig.budget(t, "lifetime", 100);
      String agent = rig.agent(t);
      String forged = rig.tokens.forged("mallory");

      List<HttpResponse<String>> responses = new ArrayList<>();
      responses.add(
          rig.post(
              "/v1/reservations",
              agent,
              new JsonObject().put("scope", t).put("amount_micros", 500)));
      responses.add(
          rig.post(
              "/v1/reservations",
              forged,
              new JsonObject().put("scope", t).put("amount_micros", 1)));
      responses.add(
          rig.post(
              "/v1/charges", agent, new JsonObject().put("scope", t).put("amount_micros", "x")));
      REDIS.killHard();
      try {
        responses.add(
            rig.post(
                "/v1/reservations",
                agent,
                new JsonObject().put("scope", t).put("amount_micros", 1)));
        responses.add(rig.http.get("/health/ready", agent));
      } finally {
        REDIS.restart();
      }
      responses.add(rig.http.get("/metrics", rig.auditor()));

      assertThat(logs.text()).contains("POST");
      assertNotLeaked(responses, logs, agent, forged, redisPassword);
    }
  }
}
