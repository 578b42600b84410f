package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP endpoint takes from its caller's one per-principal allowance, the REST API's: every
 * message is a request, a batch as many as it carries, a message naming an unknown session as much
 * as any other; and ending a session, which frees what it holds, is never refused for a spent
 * allowance, while a {@code DELETE} that ends none costs a request like any other.
 */
@Timeout(60)
class McpRateLimitTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

  /**
   * Regression: a request that carries the work of several must cost the caller's rate limit as
   * several. An MCP batch of 16 messages took one request from the agent's bucket, so batching
   * multiplied what the limit allows by 16; each message is now a request of its own.
   */
  @Test
  void everyMessageOfABatchIsTakenFromTheCallersRateLimit() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, limitOf(20))) {
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

  /**
   * A probe reported that after a subject's REST allowance was spent, POST /mcp still answered 98
   * messages naming random sessions (404) before its 429. One subject has one allowance across REST
   * and MCP, and a message naming a session that does not exist costs one request like any other.
   */
  @Test
  void restAndMcpTakeFromOneAllowanceAndAnUnknownSessionCostsARequest() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, limitOf(20))) {
      String agent = rig.agent("acme", "echo");
      for (int i = 0; i < 10; i++) {
        assertThat(rig.http.get("/v1/tools", agent).statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < 10; i++) {
        String unknown = UUID.randomUUID() + ".2025-11-25";
        assertThat(McpProtocolAbuseTest.post(rig.http, agent, unknown, PING).statusCode())
            .isEqualTo(404);
      }
      HttpResponse<String> mcp =
          McpProtocolAbuseTest.post(rig.http, agent, UUID.randomUUID() + ".2025-11-25", PING);
      assertThat(mcp.statusCode()).as(mcp.body()).isEqualTo(429);
      assertThat(mcp.body()).contains("RATE_LIMITED");
      assertThat(rig.http.get("/v1/tools", agent).statusCode()).isEqualTo(429);
    }
  }

  /**
   * Regression: DELETE /mcp was rate limited, so a client whose allowance was spent could not end
   * its sessions, and its agent's next initialize found them all still open. Ending a session is a
   * settling route, as a reservation's commit is: it frees what the session holds.
   */
  @Test
  void aCallerWhoseAllowanceIsSpentCanStillEndItsSession() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, limitOf(3))) {
      String agent = rig.agent("acme", "echo");
      String session = McpProtocolAbuseTest.initialize(rig.http, agent);
      while (McpProtocolAbuseTest.post(rig.http, agent, session, PING).statusCode() == 200) {
        // spends what is left
      }
      assertThat(McpProtocolAbuseTest.post(rig.http, agent, session, PING).statusCode())
          .isEqualTo(429);
      assertThat(delete(rig, agent, session).statusCode()).isEqualTo(204);
      assertThat(delete(rig, agent, session).statusCode())
          .as("it ended: ending it again ends nothing, and costs what the allowance no longer has")
          .isEqualTo(429);
    }
  }

  /**
   * Regression: DELETE /mcp was exempt from the rate limit whatever it named: with an agent's
   * allowance spent, 1,000 DELETEs naming random sessions were all served 404, each a Redis lookup
   * and a sweep of the node's calls and streams. Only a DELETE that ends a live session of the
   * caller is free; one that ends nothing (a session that does not exist, no session at all) costs
   * a request like any other, and is 429 once the allowance is spent.
   */
  @Test
  void aDeleteThatEndsNoSessionCostsARequest() {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, limitOf(5))) {
      String agent = rig.agent("acme", "echo");
      String session = McpProtocolAbuseTest.initialize(rig.http, agent);
      for (int i = 0; i < 4; i++) {
        assertThat(delete(rig, agent, UUID.randomUUID() + ".2025-11-25").statusCode())
            .isEqualTo(404);
      }
      HttpResponse<String> unknown = delete(rig, agent, UUID.randomUUID() + ".2025-11-25");
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(429);
      assertThat(unknown.body()).contains("RATE_LIMITED");
      assertThat(unknown.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> none = rig.http.send("DELETE", "/mcp", agent, Map.of());
      assertThat(none.statusCode()).as(none.body()).isEqualTo(429);
      assertThat(McpProtocolAbuseTest.post(rig.http, agent, session, PING).statusCode())
          .isEqualTo(429);
      assertThat(delete(rig, agent, session).statusCode()).as("a live session").isEqualTo(204);
    }
  }

  private static HttpResponse<String> delete(ChassisServiceRig rig, String token, String session) {
    return rig.http.send("DELETE", "/mcp", token, Map.of("Mcp-Session-Id", session));
  }

  /** The agent role's bucket at {@code requests} an hour: agents have a bucket of their own. */
  private static Map<String, String> limitOf(int requests) {
    return Map.of(
        "chassis.ratelimit.role.agent.capacity",
        Integer.toString(requests),
        "chassis.ratelimit.role.agent.refillTokens",
        Integer.toString(requests),
        "chassis.ratelimit.role.agent.refillPeriod",
        "1h");
  }

  private static String batch(int messages) {
    return "[" + String.join(",", Collections.nCopies(messages, PING)) + "]";
  }
}
