package com.infrafabric.governor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.ConnectionLimits;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.RawConnection;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void tricklingAnonymousClientsCannotLockOutAuthenticatedCharges() {
    HttpSettings http =
        HttpSettings.defaults()
            .withPort(0)
            .withConnections(
                new ConnectionLimits(
                    512,
                    AUTHENTICATION_DEADLINE,
                    Duration.ofSeconds(1),
                    16_384,
                    Duration.ofMinutes(2),
                    ConnectionLimits.defaultBodyBytesInFlight(),
                    512,
                    ConnectionLimits.defaultMaxConnections()));
    try (GovernorServiceRig rig =
        new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE, http)) {
      String t = GovernorRig.freshTenant("slow");
      rig.budget(t, "lifetime", 1_000_000_000);
      String agent = rig.agent(t);
      int port = rig.service.port();

      JsonObject charge = new JsonObject().put("scope", t + "/p").put("amount_micros", 1);
      for (int i = 0; i < 20; i++) { // first calls load scripts, caches and JIT: not the attack
        assertThat(rig.post("/v1/charges", agent, charge).statusCode()).isEqualTo(201);
      }

      List<RawConnection> anonymous = new ArrayList<>();
      List<RawConnection> headerTricklers = new ArrayList<>();
      try {
        for (int i = 0; i < ANONYMOUS; i++) {
          anonymous.add(bodyTrickler(port, null));
        }
        for (int i = 0; i < HEADER_TRICKLERS; i++) {
          headerTricklers.add(headerTrickler(port));
        }
        RawConnection slowBody = bodyTrickler(port, agent);

        List<Long> millis = new ArrayList<>();
        long attackEnds = System.nanoTime() + AUTHENTICATION_DEADLINE.plusSeconds(2).toNanos();
        while (System.nanoTime() < attackEnds || millis.size() < 50) {
          trickle(anonymous);
          long start = System.nanoTime();
          HttpResponse<String> charged = rig.post("/v1/charges", agent, charge);
          millis.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
          assertThat(charged.statusCode()).as(charged.body()).isEqualTo(201);
        }
        millis.sort(null);
        assertThat(millis.get(millis.size() * 95 / 100))
            .as("p95 of %s charges during the attack, ms", millis.size())
            .isLessThan(1_000);

        for (RawConnection connection : anonymous) {
          assertThat(connection.statusLine()).as("anonymous trickler").startsWith("HTTP/1.1 401");
        }
        for (RawConnection connection : headerTricklers) {
          assertThat(connection.closedByServer())
              .as("a client still sending its headers is closed at the deadline")
              .isTrue();
        }
        assertThat(slowBody.statusLine())
            .as("authenticated body trickler")
            .startsWith("HTTP/1.1 408");
      } finally {
        anonymous.forEach(RawConnection::close);
        headerTricklers.forEach(RawConnection::close);
      }
    }
  }

  /** Sends a charge's headers (with {@code token}, or none) announcing a 1000-byte body. */
  private static RawConnection bodyTrickler(int port, String token) {
    RawConnection connection = RawConnection.open(port);
    String auth = token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    connection.send(
        "POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Idempotency-Key: slow-"
            + System.nanoTime()
            + "\r\n"
            + auth
            + "Content-Length: 1000\r\n\r\n{");
    return connection;
  }

  private static RawConnection headerTrickler(int port) {
    RawConnection connection = RawConnection.open(port);
    connection.send("POST /v1/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    return connection;
  }

  /** One more body byte on every connection the server has not closed yet. */
  private static void trickle(List<RawConnection> connections) {
    connections.forEach(connection -> connection.send(" "));
  }
}
