package com.infrafabric.chassis.mcp;

import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.initialize;
import static com.infrafabric.chassis.mcp.McpProtocolAbuseTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code tools/call} its client cancels stops: by {@code notifications/cancelled} in its session,
 * or by the close of the connection that carries it. Its guest stops at once, it is answered with
 * nothing, and the tenant's only admitted place is free again; a cancel from another session or
 * agent does nothing.
 */
@Timeout(60)
class McpCancellationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final String CALL_SPIN =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
          + "\"params\":{\"name\":\"spin\",\"arguments\":{}}}";
  private static final String CANCEL_7 =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
          + "\"params\":{\"requestId\":7,\"reason\":\"the user changed their mind\"}}";
  private static final String CALL_ECHO =
      "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\","
          + "\"params\":{\"name\":\"echo\",\"arguments\":{\"a\":1}}}";

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.sandbox.guestThreads", "1",
                "chassis.sandbox.queueCapacity", "0",
                "chassis.sandbox.tenantSharePercent", "100"));
    rig.registerSpin();
    byte[] echo = Guests.wat(Guests.ECHO);
    assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** Nothing keeps running after a test: the next one starts with the place free. */
  @AfterEach
  void placeIsFree() {
    await().atMost(Duration.ofSeconds(15)).until(() -> admitted() == 0);
  }

  /**
   * Regression: work a caller abandoned ran to its limits. {@code notifications/cancelled} was
   * accepted and ignored: the call spun until its CPU limit (10 s here), holding the tenant's only
   * admitted place, and was then answered although MCP forbids answering a cancelled request. A
   * cancel naming the same id from another session of the agent, or from another agent, must not
   * stop it.
   */
  @Test
  void regressionACallCancelledByNotificationStopsAtOnceIsNotAnsweredAndFreesItsPlace() {
    String agent = rig.agent("acme", "spin", "echo");
    String session = initialize(rig.http, agent);
    double before = cancelled();
    CompletableFuture<HttpResponse<String>> call =
        CompletableFuture.supplyAsync(() -> post(rig.http, agent, session, CALL_SPIN));
    await().atMost(Duration.ofSeconds(10)).until(() -> admitted() == 1);

    String otherSession = initialize(rig.http, agent);
    assertThat(post(rig.http, agent, otherSession, CANCEL_7).statusCode()).isEqualTo(202);
    String otherAgent = rig.agent("acme", "spin");
    assertThat(post(rig.http, otherAgent, initialize(rig.http, otherAgent), CANCEL_7).statusCode())
        .isEqualTo(202);
    assertThat(call).isNotDone();
    assertThat(admitted()).isEqualTo(1);

    long cancelledAt = System.nanoTime();
    assertThat(post(rig.http, agent, session, CANCEL_7).statusCode()).isEqualTo(202);
    HttpResponse<String> unanswered = call.join();
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(3));
    assertThat(unanswered.statusCode()).isEqualTo(202);
    assertThat(unanswered.body()).isEmpty();
    assertThat(admitted()).isZero();
    assertThat(cancelled()).isEqualTo(before + 1);

    JsonObject next = new JsonObject(post(rig.http, agent, session, CALL_ECHO).body());
    assertThat(next.getJsonObject("result").getBoolean("isError")).as(next.encode()).isFalse();
    assertThat(post(rig.http, agent, session, CANCEL_7).statusCode())
        .as("a cancel for a finished call is ignored")
        .isEqualTo(202);
  }

  /**
   * Regression: ending a session left its calls running (here to the 10 s CPU limit, holding the
   * tenant's only admitted place). DELETE /mcp now cancels them as notifications/cancelled does:
   * unanswered, stopped at once, counted CANCELLED. Another session's DELETE leaves them alone.
   */
  @Test
  void regressionEndingASessionCancelsItsRunningCalls() {
    String agent = rig.agent("acme", "spin");
    String session = initialize(rig.http, agent);
    double before = cancelled();
    CompletableFuture<HttpResponse<String>> call =
        CompletableFuture.supplyAsync(() -> post(rig.http, agent, session, CALL_SPIN));
    await().atMost(Duration.ofSeconds(10)).until(() -> admitted() == 1);

    McpProtocolAbuseTest.delete(rig.http, agent, initialize(rig.http, agent));
    assertThat(call).isNotDone();

    long deletedAt = System.nanoTime();
    McpProtocolAbuseTest.delete(rig.http, agent, session);
    HttpResponse<String> unanswered = call.join();
    assertThat(Duration.ofNanos(System.nanoTime() - deletedAt)).isLessThan(Duration.ofSeconds(3));
    assertThat(unanswered.statusCode()).isEqualTo(202);
    assertThat(unanswered.body()).isEmpty();
    assertThat(admitted()).isZero();
    assertThat(cancelled()).isEqualTo(before + 1);
  }

  /**
   * Regression: a second tools/call under the id of one its session was running was accepted and
   * run, and no cancel could reach it (the id named the first). A request id must not be reused
   * while its request is in flight: the second is refused, -32600, without running, and a cancel
   * naming the id still stops the first.
   */
  @Test
  void regressionACallUnderTheIdOfARunningCallIsRefusedWithoutRunning() {
    String agent = rig.agent("acme", "spin", "echo");
    String session = initialize(rig.http, agent);
    CompletableFuture<HttpResponse<String>> call =
        CompletableFuture.supplyAsync(() -> post(rig.http, agent, session, CALL_SPIN));
    await().atMost(Duration.ofSeconds(10)).until(() -> admitted() == 1);
    double invoked = invocations();

    HttpResponse<String> duplicate =
        post(rig.http, agent, session, CALL_ECHO.replace("\"id\":8", "\"id\":7"));
    assertThat(duplicate.statusCode()).as(duplicate.body()).isEqualTo(400);
    JsonObject error = new JsonObject(duplicate.body()).getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(-32600);
    assertThat(error.getString("message")).contains("request id must not be reused");
    assertThat(invocations()).isEqualTo(invoked);

    String otherSession = initialize(rig.http, agent);
    JsonObject elsewhere =
        new JsonObject(
            post(rig.http, agent, otherSession, CALL_ECHO.replace("\"id\":8", "\"id\":7")).body());
    assertThat(elsewhere.getJsonObject("result")).as("ids are per session").isNotNull();

    assertThat(post(rig.http, agent, session, CANCEL_7).statusCode()).isEqualTo(202);
    assertThat(call.join().statusCode()).isEqualTo(202);
  }

  /** A call whose POST's connection closes is cancelled like one its client cancelled. */
  @Test
  void aCallWhoseConnectionClosesStopsAtOnceAndFreesItsPlace() throws Exception {
    String agent = rig.agent("acme", "spin");
    String session = initialize(rig.http, agent);
    double before = cancelled();
    try (Socket client = new Socket("127.0.0.1", rig.service.port())) {
      send(client.getOutputStream(), agent, session, CALL_SPIN);
      await().atMost(Duration.ofSeconds(10)).until(() -> admitted() == 1);
    }
    long left = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> admitted() == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - left)).isLessThan(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(() -> cancelled() == before + 1);
  }

  private static void send(OutputStream out, String token, String session, String body)
      throws Exception {
    String request =
        "POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token
            + "\r\nMcp-Session-Id: "
            + session
            + "\r\nAccept: application/json, text/event-stream"
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static double invocations() {
    return rig.meters.find("chassis.invocations").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static double admitted() {
    return rig.admitted();
  }

  private static double cancelled() {
    Counter counter = rig.meters.find("chassis.invocations").tag("outcome", "CANCELLED").counter();
    return counter == null ? 0 : counter.count();
  }
}
