package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code infrafabric mcp} when the chassis ends its session: the client can start a new one. */
@Timeout(120)
class McpBridgeSessionTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}";

  /**
   * Regression: the bridge sent its stale session id with a new {@code initialize}, which the
   * chassis refuses, and kept the dead id after a 404, so once the session ended (expiry, eviction,
   * a flushed Redis) every later message failed for good. The client's {@code initialize} now opens
   * a new session and the messages after it run in it.
   */
  @Test
  void afterTheSessionEndsTheClientsInitializeOpensANewOne() throws Exception {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.mcp.sessionRecheck", "1ms"))) {
      PipedOutputStream stdin = new PipedOutputStream();
      PipedInputStream bridgeIn = new PipedInputStream(stdin);
      BlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
      McpBridge bridge =
          new McpBridge(
              URI.create("http://127.0.0.1:" + rig.service.port() + "/mcp"),
              Duration.ofSeconds(20),
              rig.agent("acme"),
              Optional.empty(),
              new PrintStream(new Lines(answers), true, StandardCharsets.UTF_8),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      CompletableFuture<Integer> status =
          CompletableFuture.supplyAsync(() -> bridge.pump(bridgeIn));

      send(stdin, INITIALIZE.formatted(1));
      assertThat(next(answers).getJsonObject("result")).isNotNull();
      send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      send(stdin, PING.formatted(2));
      assertThat(next(answers).getJsonObject("result")).isNotNull();

      endEverySession(rig);
      send(stdin, PING.formatted(3));
      JsonObject gone = next(answers);
      assertThat(gone.getValue("id")).isEqualTo(3);
      assertThat(gone.getJsonObject("error").getString("message")).contains("initialize again");

      send(stdin, INITIALIZE.formatted(4));
      JsonObject reopened = next(answers);
      assertThat(reopened.getValue("id")).isEqualTo(4);
      assertThat(reopened.getJsonObject("result").getString("protocolVersion"))
          .isEqualTo("2025-06-18");
      send(stdin, PING.formatted(5));
      JsonObject pinged = next(answers);
      assertThat(pinged.getValue("id")).isEqualTo(5);
      assertThat(pinged.getJsonObject("result")).isNotNull();

      stdin.close();
      assertThat(status.get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  /**
   * Regression: told to stop (SIGTERM, which a client's close sends when the bridge does not exit
   * at once) while a call ran, the bridge exited without ending its session, which then lived on at
   * the chassis, holding a session slot and its call. It now ends the session on its way out.
   */
  @Test
  void stoppedWhileACallRunsTheBridgeEndsItsSession() throws Exception {
    try (ChassisServiceRig rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of())) {
      rig.registerSpin();
      Path token = Files.writeString(directory.resolve("agent.jwt"), rig.agent("acme", "spin"));
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
        OutputStream stdin = bridge.getOutputStream();
        BufferedReader stdout =
            new BufferedReader(
                new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8));
        send(stdin, INITIALIZE.formatted(1));
        assertThat(new JsonObject(stdout.readLine()).getJsonObject("result")).isNotNull();
        send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(
            stdin,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"spin\",\"arguments\":{}}}");
        assertThat(sessionCount(rig)).isEqualTo(1);

        bridge.destroy(); // SIGTERM

        assertThat(bridge.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // The chassis ends the session once the spinning call it cancels has stopped, which on a
        // loaded machine may come after the bridge's bounded wait for the DELETE's answer.
        await().atMost(Duration.ofSeconds(15)).until(() -> sessionCount(rig) == 0);
      } finally {
        bridge.destroyForcibly();
      }
    }
  }

  private static long sessionCount(ChassisServiceRig rig) throws Exception {
    long count = 0;
    for (Response key : keys(rig, "{chassis-mcp:*:sessions")) {
      count += call(rig, key.toString(), Request.cmd(Command.ZCARD).arg(key.toString())).toLong();
    }
    return count;
  }

  private static Response keys(ChassisServiceRig rig, String pattern) throws Exception {
    return call(rig, null, Request.cmd(Command.KEYS).arg(pattern));
  }

  private static Response call(ChassisServiceRig rig, String key, Request request)
      throws Exception {
    return (key == null ? rig.redis.send(request) : rig.redis.send(key, request))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** What Redis losing the sessions, or their expiry, leaves: no session of any agent. */
  private static void endEverySession(ChassisServiceRig rig) throws Exception {
    Response keys = keys(rig, "{chassis-mcp:*");
    assertThat(keys.size()).isPositive();
    for (Response key : keys) {
      call(rig, key.toString(), Request.cmd(Command.DEL).arg(key.toString()));
    }
  }

  private static void send(OutputStream stdin, String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  private static JsonObject next(BlockingQueue<JsonObject> answers) throws InterruptedException {
    JsonObject answer = answers.poll(30, TimeUnit.SECONDS);
    assertThat(answer).as("an answer on stdout").isNotNull();
    return answer;
  }

  /** The bridge's stdout, one parsed message per line. */
  private static final class Lines extends OutputStream {
    private final BlockingQueue<JsonObject> answers;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Lines(BlockingQueue<JsonObject> answers) {
      this.answers = answers;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        answers.add(new JsonObject(line.toString(StandardCharsets.UTF_8)));
        line.reset();
      } else {
        line.write(b);
      }
    }
  }
}
