package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@code infrafabric mcp} does with stdin it must not forward: bounded, strict, paced. */
@Timeout(120)
class McpBridgeInputTest {

  /**
   * Regression: the bridge read a line whole, so a line of hundreds of megabytes ran it out of
   * memory (exit 1, the session never ended) and one of tens of megabytes was answered "not JSON"
   * with id null, leaving the client waiting. It is now discarded as it streams and answered with
   * its own id, and the bridge goes on.
   */
  @Test
  void aLineOverTheMessageLimitIsAnsweredWithItsIdAndNeverHeld() throws Exception {
    long huge = 1536L * 1024 * 1024; // more than the heap of the test JVM (and of the launcher)
    InputStream stdin =
        new SequenceInputStream(
            new SequenceInputStream(
                text(
                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"x\":\""),
                new Filler(huge)),
            text("\"}}\n"));
    Run run = run(unreachable(), stdin);

    assertThat(run.status).isZero();
    assertThat(run.answers).hasSize(1);
    JsonObject answer = run.answers.get(0);
    assertThat(answer.getValue("id")).isEqualTo(7);
    assertThat(answer.getJsonObject("error").getInteger("code")).isEqualTo(-32700);
    assertThat(answer.getJsonObject("error").getString("message"))
        .startsWith("The line is too long: ")
        .endsWith("over the limit of 1048576 bytes; it was discarded.");
  }

  /**
   * Regression: bytes that are not UTF-8 were decoded with replacement and the message went to the
   * chassis (which refuses the same bytes over HTTP) with U+FFFD in their place. The line is now
   * refused, with its id, and never sent.
   */
  @Test
  void aLineThatIsNotUtf8IsRefusedWithItsIdAndNotSent() throws Exception {
    byte[] line =
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"x\":\"h?\"}}\n"
            .getBytes(StandardCharsets.UTF_8);
    line[line.length - 5] = (byte) 0xFF;
    Run run = run(unreachable(), new ByteArrayInputStream(line));

    assertThat(run.answers)
        .containsExactly(
            new JsonObject()
                .put("jsonrpc", "2.0")
                .put("id", 5)
                .put(
                    "error",
                    new JsonObject()
                        .put("code", -32700)
                        .put("message", "The line is not well-formed UTF-8; it was discarded.")));
    assertThat(run.status).isZero();
  }

  /**
   * Regression: each line started its own request at once, so a client writing fast had any number
   * of requests in flight. At most {@link McpBridge#MAX_IN_FLIGHT} are now; the next line waits
   * until one is answered.
   */
  @Test
  void atMostTheCapOfRequestsAreInFlight() throws Exception {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    HttpServer slow =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slow.setExecutor(Executors.newCachedThreadPool());
    slow.createContext(
        "/mcp",
        exchange -> {
          most.accumulateAndGet(open.incrementAndGet(), Math::max);
          byte[] request = exchange.getRequestBody().readAllBytes();
          try {
            Thread.sleep(200); // a slow chassis, so that requests overlap
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Object id = new JsonObject(new String(request, StandardCharsets.UTF_8)).getValue("id");
          byte[] answer =
              new JsonObject()
                  .put("jsonrpc", "2.0")
                  .put("id", id)
                  .put("result", new JsonObject())
                  .encode()
                  .getBytes(StandardCharsets.UTF_8);
          open.decrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    slow.start();
    try {
      String lines =
          IntStream.rangeClosed(1, 48)
              .mapToObj(i -> "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}\n")
              .collect(Collectors.joining());
      URI url = URI.create("http://127.0.0.1:" + slow.getAddress().getPort() + "/mcp");
      Run run = run(url, text(lines));

      assertThat(run.status).isZero();
      assertThat(run.answers).extracting(a -> a.getValue("id")).hasSize(48).doesNotHaveDuplicates();
      assertThat(most.get()).isBetween(2, McpBridge.MAX_IN_FLIGHT);
    } finally {
      slow.stop(0);
    }
  }

  private record Run(int status, List<JsonObject> answers) {}

  private static Run run(URI url, InputStream stdin) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    McpBridge bridge =
        new McpBridge(
            url,
            Duration.ofSeconds(10),
            "aGVhZA.Ym9keQ.c2ln",
            Optional.empty(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    int status = bridge.pump(stdin);
    return new Run(
        status, out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList());
  }

  /** A loopback address where nothing listens: a line that reached it would fail differently. */
  private static URI unreachable() throws IOException {
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/mcp");
    }
  }

  private static InputStream text(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code count} bytes of {@code a}, generated as they are read. */
  static final class Filler extends InputStream {
    private long left;

    Filler(long count) {
      this.left = count;
    }

    @Override
    public int read() {
      return left-- > 0 ? 'a' : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(length, left);
      Arrays.fill(buffer, offset, offset + n, (byte) 'a');
      left -= n;
      return n;
    }
  }
}
