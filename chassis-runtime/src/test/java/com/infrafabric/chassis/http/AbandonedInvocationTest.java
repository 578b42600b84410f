package com.infrafabric.chassis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.Counter;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A REST invocation whose client closes its connection is cancelled: its guest stops at once and
 * its tenant's admitted place is free for the next invocation.
 */
@Timeout(60)
class AbandonedInvocationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir Path directory;

  /**
   * Regression: work a caller abandoned ran to its limits. A client that closed its connection left
   * its spinning guest running until the CPU limit (10 s here), holding the tenant's only admitted
   * place and a guest thread, so the tenant's next invocation was refused meanwhile.
   */
  @Test
  void regressionAnInvocationWhoseClientLeavesStopsAtOnceAndFreesItsPlace() throws Exception {
    try (ChassisServiceRig rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.sandbox.guestThreads", "1",
                "chassis.sandbox.queueCapacity", "0",
                "chassis.sandbox.tenantSharePercent", "100"))) {
      rig.registerSpin();
      byte[] echo = Guests.wat(Guests.ECHO);
      assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
      String agent = rig.agent("acme", "spin", "echo");

      try (Socket client = new Socket("127.0.0.1", rig.service.port())) {
        send(client.getOutputStream(), agent, "/v1/tools/spin/1.0.0/invocations");
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.admitted() == 1);
      }
      long left = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).until(() -> rig.admitted() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(3));
      await().atMost(Duration.ofSeconds(5)).until(() -> cancelled(rig) == 1);

      HttpResponse<String> next = rig.invoke(agent, "echo", "1.0.0", 42);
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }
  }

  private static void send(OutputStream out, String token, String path) throws Exception {
    String body = "{\"input\":1}";
    String request =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static double cancelled(ChassisServiceRig rig) {
    Counter counter = rig.meters.find("chassis.invocations").tag("outcome", "CANCELLED").counter();
    return counter == null ? 0 : counter.count();
  }
}
