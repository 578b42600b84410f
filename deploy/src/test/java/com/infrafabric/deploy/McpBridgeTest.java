package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code infrafabric mcp} as a client that launches local MCP servers runs it: a subprocess reading
 * JSON-RPC lines on stdin and answering on stdout, against a real chassis. It initializes, lists
 * and calls a tool, relays the list-changed notification of a tool published meanwhile, and ends
 * its session and exits 0 when stdin closes.
 */
@Timeout(120)
class McpBridgeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  @Test
  void bridgesStdioToTheChassisEndpointAndEndsTheSessionAtTheEndOfInput() throws Exception {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.mcp.toolsPollInterval", "100ms"))) {
      byte[] echo = Guests.wat(Guests.ECHO);
      assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
      Path token =
          Files.writeString(directory.resolve("agent.jwt"), rig.agent("acme", "echo", "later"));
      Process bridge =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Launcher.class.getName(),
                  "mcp",
                  "--url",
                  "http://127.0.0.1:" + rig.service.port() + "/mcp",
                  "--token-file",
                  token.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        BlockingQueue<JsonObject> answers = lines(bridge);
        Writer stdin = new OutputStreamWriter(bridge.getOutputStream(), StandardCharsets.UTF_8);
        send(
            stdin,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        JsonObject initialized = next(answers);
        assertThat(initialized.getJsonObject("result").getString("protocolVersion"))
            .isEqualTo("2025-06-18");
        send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonObject listed = next(answers);
        assertThat(listed.getInteger("id")).isEqualTo(2);
        assertThat(
                listed
                    .getJsonObject("result")
                    .getJsonArray("tools")
                    .getJsonObject(0)
                    .getString("name"))
            .isEqualTo("echo");
        send(
            stdin,
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"say\":\"hi\"}}}");
        JsonObject called = next(answers);
        assertThat(called.getJsonObject("result").getJsonObject("structuredContent"))
            .isEqualTo(new JsonObject().put("say", "hi"));
        send(stdin, "[{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}]");
        // The session speaks 2025-06-18, which has no batches: the chassis's refusal is relayed.
        assertPlainError(next(answers), -32600, "2025-03-26 only");
        send(stdin, "{\"jsonrpc\":\"2.0\",");
        assertPlainError(next(answers), -32700, "not JSON");

        assertThat(rig.register(echo, Contracts.forModule("later", echo)).statusCode())
            .isEqualTo(201);
        JsonObject notified = next(answers);
        assertThat(notified.getString("method")).isEqualTo("notifications/tools/list_changed");

        stdin.close();
        assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bridge.exitValue()).isZero();
        assertThat(rig.meters.find("chassis.mcp.streams.open").gauge().value()).isZero();
      } finally {
        bridge.destroyForcibly();
      }
    }
  }

  /** A refusal the bridge makes itself: its code and a sentence, never the parser's internals. */
  private static void assertPlainError(JsonObject answer, int code, String says) {
    JsonObject error = answer.getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(code);
    assertThat(error.getString("message")).contains(says).doesNotContain("java.", "Token", "`");
  }

  private static void send(Writer stdin, String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  private static JsonObject next(BlockingQueue<JsonObject> answers) throws InterruptedException {
    JsonObject answer = answers.poll(30, TimeUnit.SECONDS);
    assertThat(answer).as("an answer on stdout").isNotNull();
    return answer;
  }

  /** Every line the bridge writes, parsed; a line that is not JSON fails the test. */
  private static BlockingQueue<JsonObject> lines(Process bridge) {
    BlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  answers.add(new JsonObject(line));
                }
              } catch (IOException streamClosed) {
                answers.add(new JsonObject().put("closed", streamClosed.getMessage()));
              }
            });
    reader.setDaemon(true);
    reader.start();
    return answers;
  }
}
