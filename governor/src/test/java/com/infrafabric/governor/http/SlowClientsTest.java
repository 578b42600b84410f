package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.ConnectionLimits;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * 300 anonymous clients that send their headers and then a body byte a second, plus clients that
 * trickle their headers, while an agent keeps charging: the agent's charges all succeed, quickly,
 * and never get 503; the anonymous ones are answered 401 without their body being read and their
 * connections closed; the header tricklers are closed at the authentication deadline; an
 * authenticated client trickling its body gets 408 and frees its slot.
 */
@Timeout(120)
class SlowClientsTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final int ANONYMOUS = 300;
  private static final int HEADER_TRICKLERS = 20;
  private static final Duration AUTHENTICATION_DEADLINE = Duration.ofSeconds(2);

  @TempDir Path directory;

  @Test
  void tricklingAnonymousClientsCannotLockOutAuthenticatedCharges() throws Exception {
    HttpSettings http =
        HttpSettings.defaults()
            .withPort(0)
            .withConnections(
                new ConnectionLimits(512, AUTHENTICATION_DEADLINE, Duration.ofSeconds(1), 16_384));
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE, http)) {
      String t = GovernorRig.freshTenant("slow");
      rig.budget(t, "lifetime", 1_000_000_000);
      String agent = rig.agent(t);
      int port = rig.service.port();

      List<Socket> anonymous = new ArrayList<>();
      List<Socket> headerTricklers = new ArrayList<>();
      try {
        for (int i = 0; i < ANONYMOUS; i++) {
          anonymous.add(bodyTrickler(port, null));
        }
        for (int i = 0; i < HEADER_TRICKLERS; i++) {
          headerTricklers.add(headerTrickler(port));
        }
        Socket slowBody = bodyTrickler(port, agent);

        List<Long> millis = new ArrayList<>();
        long attackEnds = System.nanoTime() + AUTHENTICATION_DEADLINE.plusSeconds(2).toNanos();
        while (System.nanoTime() < attackEnds || millis.size() < 50) {
          trickle(anonymous);
          long start = System.nanoTime();
          HttpResponse<String> charge =
              rig.post(
                  "/v1/charges",
                  agent,
                  new JsonObject().put("scope", t + "/p").put("amount_micros", 1));
          millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
          assertThat(charge.statusCode()).as(charge.body()).isEqualTo(201);
        }
        millis.sort(null);
        assertThat(millis.get(millis.size() * 99 / 100))
            .as("p99 of %s charges during the attack, ms", millis.size())
            .isLessThan(1_000);

        for (Socket socket : anonymous) {
          assertThat(answer(socket)).as("anonymous trickler").startsWith("HTTP/1.1 401");
        }
        for (Socket socket : headerTricklers) {
          assertThat(closedWithoutAnswer(socket))
              .as("a client still sending its headers is closed at the deadline")
              .isTrue();
        }
        assertThat(answer(slowBody)).as("authenticated body trickler").startsWith("HTTP/1.1 408");
      } finally {
        anonymous.forEach(SlowClientsTest::close);
        headerTricklers.forEach(SlowClientsTest::close);
      }
    }
  }

  /** Sends a charge's headers (with {@code token}, or none) announcing a 1000-byte body. */
  private static Socket bodyTrickler(int port, String token) throws IOException {
    Socket socket = connect(port);
    String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    write(
        socket,
        "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Idempotency-Key: slow-"
            + System.nanoTime()
            + "\r\n"
            + auth
            + "Content-Length: 1000\r\n\r\n{");
    return socket;
  }

  private static Socket headerTrickler(int port) throws IOException {
    Socket socket = connect(port);
    write(socket, "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    return socket;
  }

  /** One more body byte on every socket that is still open. */
  private static void trickle(List<Socket> sockets) {
    for (Socket socket : sockets) {
      try {
        write(socket, " ");
      } catch (IOException closedByTheServer) {
        // expected once the server answered 401 and closed the connection
      }
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The status line the server sent on {@code socket}. */
  private static String answer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }

  /** True once the server closes {@code socket} without having answered anything. */
  private static boolean closedWithoutAnswer(Socket socket) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    InputStream in = socket.getInputStream();
    while (System.nanoTime() < deadline) {
      try {
        return in.read() == -1;
      } catch (SocketTimeoutException stillOpen) {
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed by the server
    }
  }
}
