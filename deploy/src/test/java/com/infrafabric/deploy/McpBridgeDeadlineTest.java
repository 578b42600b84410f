package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression: against a server that accepts connections and never answers, {@code infrafabric mcp}
 * waited forever, even after its stdin ended. Each request now gets an error answer once the
 * deadline passes, and the bridge ends when stdin has ended and nothing is pending. It then exited
 * 0 as if all had gone well; it now exits 1, the status of a failed command.
 */
@Timeout(30)
class McpBridgeDeadlineTest {

  private static final String TOKEN = "aGVhZA.Ym9keQ.c2ln";

  @Test
  void aChassisThatNeverAnswersGetsAnErrorPerRequestAndTheBridgeEndsWithStatus1() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> acceptForever(silent, held));
      acceptor.setDaemon(true);
      acceptor.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      String stdin =
          String.join(
              "\n",
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
              "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
              "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
              "");
      McpBridge bridge =
          new McpBridge(
              URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/mcp"),
              Duration.ofSeconds(1),
              TOKEN,
              Optional.empty(),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(bridge.pump(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(1);

      List<JsonObject> answers =
          out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
      assertThat(answers).extracting(a -> a.getValue("id")).containsExactlyInAnyOrder(1, 2);
      assertThat(answers)
          .allSatisfy(
              a ->
                  assertThat(a.getJsonObject("error").getString("message"))
                      .isEqualTo("the chassis did not answer: no answer within 1 s"));
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              """
              infrafabric mcp: the chassis did not answer: no answer within 1 s
              infrafabric mcp: the chassis did not answer 3 messages in JSON-RPC
              """);
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  private static void acceptForever(ServerSocket server, List<Socket> held) {
    try {
      while (true) {
        held.add(server.accept());
      }
    } catch (IOException closed) {
      // the test is over
    }
  }
}
