package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notification stream lasts no longer than the bearer token that opened it: when the token
 * expires the stream ends, and gives back its place among the node's streams and its requests in
 * flight, while a stream of the same agent on a token still valid stays open.
 */
@Timeout(60)
class McpStreamLifetimeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of("auth.clockSkew", "0s"));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /**
   * Regression: GET /mcp stayed open past its token's exp, holding a tenant's stream place and an
   * http.maxInFlight place on a token every other request was refused with.
   */
  @Test
  void regressionAStreamEndsWhenItsTokenExpires() throws Exception {
    String subject = "agent-" + UUID.randomUUID();
    String lasting = token(subject, Duration.ofMinutes(15));
    String expiring = token(subject, Duration.ofSeconds(3));
    double openBefore = openStreams();

    try (Socket staying = openStream(lasting, McpProtocolAbuseTest.initialize(rig.http, lasting));
        Socket ending = openStream(expiring, McpProtocolAbuseTest.initialize(rig.http, lasting))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == openBefore + 2);

      String ended = readToEnd(ending);
      assertThat(ended).startsWith("HTTP/1.1 200").endsWith("0\r\n\r\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == openBefore + 1);
      assertThat(rig.http.get("/v1/tools", expiring).statusCode()).isEqualTo(401);
      InputStream other = staying.getInputStream();
      assertThat(new String(other.readNBytes(other.available()), StandardCharsets.US_ASCII))
          .startsWith("HTTP/1.1 200")
          .doesNotEndWith("0\r\n\r\n");
    }
  }

  private static String token(String subject, Duration ttl) {
    return rig.tokens.mint(
        rig.tokens
            .spec(subject, "agent")
            .withScope("acme")
            .withListClaim("tools", List.of("echo"))
            .withTtl(ttl));
  }

  private static Socket openStream(String token, String session) throws IOException {
    Socket socket = new Socket("127.0.0.1", rig.service.port());
    socket.setSoTimeout(15_000);
    String request =
        "GET /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token
            + "\r\nAccept: text/event-stream\r\nMcp-Session-Id: "
            + session
            + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  /** What the server sends until it ends the response (the last chunk) or closes the connection. */
  private static String readToEnd(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      read.write(buffer, 0, n);
      if (read.toString(StandardCharsets.US_ASCII).endsWith("0\r\n\r\n")) {
        break;
      }
    }
    return read.toString(StandardCharsets.US_ASCII);
  }

  private static double openStreams() {
    return rig.meters.find("chassis.mcp.streams.open").gauge().value();
  }
}
