package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression class: a request that carries the work of several must cost the caller's rate limit as
 * several. An MCP batch of 16 messages took one request from the agent's bucket, so batching
 * multiplied what the limit allows by 16; each message is now a request of its own.
 */
@Timeout(60)
class McpBatchRateLimitTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

  @Test
  void everyMessageOfABatchIsTakenFromTheCallersRateLimit() {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of("chassis.ratelimit.capacity", "20", "chassis.ratelimit.refillPeriod", "1h"))) {
      String agent = rig.agent("acme", "echo");
      String session = McpProtocolAbuseTest.initialize(rig.http, agent, "2025-03-26");
      HttpResponse<String> sixteen = McpProtocolAbuseTest.post(rig.http, agent, session, batch(16));
      assertThat(sixteen.statusCode()).as(sixteen.body()).isEqualTo(200);
      // 20 - 1 (initialize) - 16 leaves 3: a batch of 4 does not fit, a single request does.
      HttpResponse<String> four = McpProtocolAbuseTest.post(rig.http, agent, session, batch(4));
      assertThat(four.statusCode()).as(four.body()).isEqualTo(429);
      assertThat(four.headers().firstValue("Retry-After")).isPresent();
      assertThat(four.body()).contains("RATE_LIMITED");
      assertThat(McpProtocolAbuseTest.post(rig.http, agent, session, PING).statusCode())
          .isEqualTo(200);
    }
  }

  private static String batch(int messages) {
    return "[" + String.join(",", Collections.nCopies(messages, PING)) + "]";
  }
}
