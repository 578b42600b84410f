package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.testing.RawConnection;
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
  void aConnectionThatNeverAuthenticatesIsClosedAtTheDeadline() throws InterruptedException {
    try (ServiceFixture fixture =
        start(
            new ConnectionLimits(
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                1024,
                Duration.ofMinutes(2),
                ConnectionLimits.defaultBodyBytesInFlight()))) {
      RawConnection trickler = RawConnection.open(fixture.service.port());
      trickler.send("POST /v1/echo HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      long start = System.nanoTime();
      assertThat(trickler.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

      RawConnection authenticated = RawConnection.open(fixture.service.port());
      String token = fixture.tokens.valid("alice");
      for (int i = 0; i < 3; i++) {
        authenticated.send(echo(token));
        assertThat(authenticated.statusLine()).startsWith("HTTP/1.1 200");
        authenticated.drain();
        Thread.sleep(700);
      }
      authenticated.close();
    }
  }

  @Test
  void beyondTheBoundTheOldestUnauthenticatedConnectionIsClosed() throws InterruptedException {
    try (ServiceFixture fixture =
        start(
            new ConnectionLimits(
                5,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                1024,
                Duration.ofMinutes(2),
                ConnectionLimits.defaultBodyBytesInFlight()))) {
      List<RawConnection> idle = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        idle.add(RawConnection.open(fixture.service.port()));
      }
      Thread.sleep(300);
      RawConnection newcomer = RawConnection.open(fixture.service.port());
      assertThat(idle.get(0).closedByServer()).as("the oldest is evicted").isTrue();
      newcomer.send(echo(fixture.tokens.valid("bob")));
      assertThat(newcomer.statusLine()).startsWith("HTTP/1.1 200");
      for (RawConnection socket : idle) {
        socket.close();
      }
      newcomer.close();
    }
  }

  @Test
  void aBodyThatTricklesIsAnswered408AndTheRequestIsNotHandled() {
    try (ServiceFixture fixture =
        start(
            new ConnectionLimits(
                100,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                1024,
                Duration.ofMinutes(2),
                ConnectionLimits.defaultBodyBytesInFlight()))) {
      RawConnection slow = RawConnection.open(fixture.service.port());
      slow.send(
          "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + fixture.tokens.valid("carol")
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      long start = System.nanoTime();
      assertThat(slow.statusLine()).startsWith("HTTP/1.1 408");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
      assertThat(slow.closedByServer()).as("the connection is closed after the 408").isTrue();
    }
  }

  @Test
  void anAnonymousRequestIsRefusedWithoutReadingItsBody() {
    try (ServiceFixture fixture = start(ConnectionLimits.defaults())) {
      RawConnection anonymous = RawConnection.open(fixture.service.port());
      anonymous.send(
          "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100000\r\n\r\n{");
      assertThat(anonymous.statusLine()).startsWith("HTTP/1.1 401");
      assertThat(anonymous.closedByServer()).isTrue();
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
}
