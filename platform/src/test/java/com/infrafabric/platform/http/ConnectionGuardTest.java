package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unauthenticated connections are bounded in number and in time; authenticated ones are not. */
@Timeout(60)
class ConnectionGuardTest {

  @TempDir Path dir;

  private ServiceFixture start(ConnectionLimits limits) {
    return ServiceFixture.start(
        dir,
        builder ->
            builder
                .settings(HttpSettings.defaults().withPort(0).withConnections(limits))
                .routes(
                    routes ->
                        routes.post(
                            "/v1/echo",
                            Access.authenticated(),
                            ctx -> ctx.json(Requests.jsonBody(ctx)))));
  }

  @Test
  void aConnectionThatNeverAuthenticatesIsClosedAtTheDeadline() throws Exception {
    try (ServiceFixture fixture =
        start(new ConnectionLimits(100, Duration.ofSeconds(1), Duration.ofSeconds(5), 1024))) {
      Socket trickler = connect(fixture.service.port());
      write(trickler, "POST /v1/echo HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      long start = System.nanoTime();
      assertThat(closed(trickler)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

      Socket authenticated = connect(fixture.service.port());
      String token = fixture.tokens.valid("alice");
      for (int i = 0; i < 3; i++) {
        write(authenticated, echo(token));
        assertThat(statusLine(authenticated)).startsWith("HTTP/1.1 200");
        drain(authenticated);
        Thread.sleep(700);
      }
      authenticated.close();
    }
  }

  @Test
  void beyondTheBoundTheOldestUnauthenticatedConnectionIsClosed() throws Exception {
    try (ServiceFixture fixture =
        start(new ConnectionLimits(5, Duration.ofSeconds(30), Duration.ofSeconds(5), 1024))) {
      List<Socket> idle = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        idle.add(connect(fixture.service.port()));
      }
      Thread.sleep(300);
      Socket newcomer = connect(fixture.service.port());
      assertThat(closed(idle.get(0))).as("the oldest is evicted").isTrue();
      write(newcomer, echo(fixture.tokens.valid("bob")));
      assertThat(statusLine(newcomer)).startsWith("HTTP/1.1 200");
      for (Socket socket : idle) {
        socket.close();
      }
      newcomer.close();
    }
  }

  @Test
  void aBodyThatTricklesIsAnswered408AndTheRequestIsNotHandled() throws Exception {
    try (ServiceFixture fixture =
        start(new ConnectionLimits(100, Duration.ofSeconds(30), Duration.ofSeconds(1), 1024))) {
      Socket slow = connect(fixture.service.port());
      write(
          slow,
          "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + fixture.tokens.valid("carol")
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      long start = System.nanoTime();
      assertThat(statusLine(slow)).startsWith("HTTP/1.1 408");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      assertThat(closed(slow)).as("the connection is closed after the 408").isTrue();
    }
  }

  @Test
  void anAnonymousRequestIsRefusedWithoutReadingItsBody() throws Exception {
    try (ServiceFixture fixture = start(ConnectionLimits.defaults())) {
      Socket anonymous = connect(fixture.service.port());
      write(
          anonymous,
          "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100000\r\n\r\n{");
      assertThat(statusLine(anonymous)).startsWith("HTTP/1.1 401");
      assertThat(closed(anonymous)).isTrue();
    }
  }

  private static String echo(String token) {
    String body = "{\"a\":1}";
    return "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token
        + "\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(200);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static String statusLine(Socket socket) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    while (System.nanoTime() < deadline) {
      try {
        int c = in.read();
        if (c == -1 || c == '\r') {
          return line.toString();
        }
        line.append((char) c);
      } catch (SocketTimeoutException waiting) {
        // keep reading until the deadline
      }
    }
    return line.toString();
  }

  /** Reads what is left of the current answer (headers and a short body). */
  private static void drain(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // discard
      }
    } catch (SocketTimeoutException answered) {
      // nothing more for now
    }
  }

  private static boolean closed(Socket socket) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    InputStream in = socket.getInputStream();
    while (System.nanoTime() < deadline) {
      try {
        if (in.read() == -1) {
          return true;
        }
      } catch (SocketTimeoutException stillOpen) {
        // poll again
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }
}
