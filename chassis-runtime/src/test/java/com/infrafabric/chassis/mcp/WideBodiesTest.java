package com.infrafabric.chassis.mcp;

import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.delete;
import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.initialize;
import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.post;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: a wide body (a few hundred thousand empty objects within the 1 MiB an invocation may
 * have) was built into a tree many times its size before anything looked at it. On the invocation
 * route and on MCP alike, the parser now stops at a free-form body's bound of objects and arrays.
 */
@Timeout(120)
class WideBodiesTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final String TOO_WIDE = "more than 32768 objects and arrays";

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
    byte[] echo = Guests.wat(Guests.ECHO);
    assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aWideInvocationBodyIsRefusedByTheParser() {
    String agent = rig.agent("acme", "echo");
    String path = "/v1/tools/echo/1.0.0/invocations";

    assertError(
        rig.http.send("POST", path, agent, Map.of(), "{\"input\":" + emptyObjects() + "}"),
        400,
        "MALFORMED_REQUEST",
        TOO_WIDE);
    assertThat(rig.invoke(agent, "echo", "1.0.0", "fine").statusCode()).isEqualTo(200);
  }

  @Test
  void aWideMcpMessageIsAParseError() {
    String agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);

    HttpResponse<String> answer =
        post(
            rig.http,
            agent,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"a\":"
                + emptyObjects()
                + "}}}");

    assertThat(answer.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(-32700);
    assertThat(error.getString("message")).contains(TOO_WIDE);
    delete(rig.http, agent, session);
  }

  /** 200,000 empty objects in an array: 600 kB of text. */
  private static String emptyObjects() {
    return "[{}" + ",{}".repeat(199_999) + "]";
  }
}
