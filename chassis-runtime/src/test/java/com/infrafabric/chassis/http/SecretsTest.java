package com.infrafabric.chassis.http;

import static com.infrafabric.platform.testing.SecretAssertions.assertNotLeaked;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      byte[] echo = Guests.wat(Guests.ECHO);
      String publisher = rig.publisher();
      String agent = rig.agent("acme", "echo");
      String forged = rig.tokens.forged("mallory");

      List<HttpResponse<String>> responses = new ArrayList<>();
      responses.add(rig.register(echo, Contracts.forModule("echo", echo)));
      responses.add(rig.invoke(agent, "echo", "1.0.0", "hello"));
      responses.add(rig.invoke(agent, "other", "1.0.0", "not granted"));
      responses.add(rig.invoke(forged, "echo", "1.0.0", "forged"));
      responses.add(
          rig.http.send(
              "POST", "/v1/tools/echo/1.0.0/invocations", agent, Map.of(), "{\"input\":"));
      REDIS.killHard();
      try {
        responses.add(rig.invoke(agent, "echo", "1.0.0", "down"));
        responses.add(rig.http.get("/health/ready", publisher));
      } finally {
        REDIS.restart();
      }
      responses.add(rig.http.get("/metrics", rig.operator()));

      assertThat(logs.text()).contains("invocation finished").contains("POST");
      assertNotLeaked(responses, logs, agent, publisher, forged, redisPassword);
    }
  }
}
