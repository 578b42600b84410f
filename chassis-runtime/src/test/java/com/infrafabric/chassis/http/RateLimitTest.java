package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each agent has its own bucket: a noisy agent is refused while the others carry on. */
@Timeout(60)
class RateLimitTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void aNoisyAgentGets429WithRetryAfterAndAnotherAgentIsUnaffected() {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.ratelimit.roles", "agent",
                "chassis.ratelimit.role.agent.capacity", "3",
                "chassis.ratelimit.role.agent.refillPeriod", "1h"))) {
      byte[] echo = Guests.wat(Guests.ECHO);
      assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
      String noisy = rig.agent("acme", "echo");
      String quiet = rig.agent("acme", "echo");

      for (int i = 0; i < 3; i++) {
        assertThat(rig.invoke(noisy, "echo", "1.0.0", i).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> refused = rig.invoke(noisy, "echo", "1.0.0", 4);

      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(json(refused).getString("code")).isEqualTo("RATE_LIMITED");
      assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 1200L);
      assertThat(rig.invoke(quiet, "echo", "1.0.0", "still fine").statusCode()).isEqualTo(200);
      assertThat(rig.http.get("/v1/tools", rig.operator()).statusCode()).isEqualTo(200);
      assertThat(rig.http.get("/metrics", rig.operator()).body())
          .containsPattern("ratelimit_rejections_total\\{limit=\"role-agent\"} 1");
    }
  }
}
