package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.service.ChassisService;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.HttpTestClient;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw JSON-RPC against {@code /mcp}, the way a broken or hostile client sends it: every malformed,
 * out-of-order or oversized message gets its JSON-RPC or HTTP error, no tool runs, and the server
 * answers a well-behaved client normally afterwards. Sessions are the agent's own and are served by
 * every node on the same Redis; a flood of {@code initialize} stops at the agent's maximum.
 */
@Timeout(120)
class McpProtocolAbuseTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static final int MAX_INPUT = 4096;
  private static final int MAX_SESSIONS = 3;
  private static final int MAX_STREAMS = 4;
  private static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
          + "\"params\":{\"name\":\"echo\",\"arguments\":{\"a\":1}}}";

  private static ChassisServiceRig rig;
  private String agent;

  @BeforeAll
  static void start() {
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.http.maxInputBytes", Integer.toString(MAX_INPUT),
                "chassis.mcp.maxSessionsPerAgent", Integer.toString(MAX_SESSIONS),
                "chassis.mcp.maxStreams", Integer.toString(MAX_STREAMS)));
    byte[] echo = Guests.wat(Guests.ECHO);
    assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @AfterEach
  void stillServesAWellBehavedClient() {
    String session = initialize(rig.http, agent);
    JsonObject answer = json(post(rig.http, agent, session, CALL));
    assertThat(answer.getJsonObject("result").getBoolean("isError")).isFalse();
    assertThat(rig.http.get("/health/live", null).statusCode()).isEqualTo(200);
    delete(rig.http, agent, session);
  }

  @Test
  void malformedJsonIsAParseErrorAndNothingRuns() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    double before = invocations();
    HttpResponse<String> answer = post(rig.http, agent, session, "{\"jsonrpc\":\"2.0\",\"id\":1,");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(error(answer).getInteger("code")).isEqualTo(-32700);
    HttpResponse<String> repeated =
        post(
            rig.http,
            agent,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}");
    assertThat(error(repeated).getInteger("code")).isEqualTo(-32700);
    for (String notJson :
        List.of("application/json; charset=utf-16", "application/jsonx", "text/plain")) {
      HttpResponse<String> refused =
          rig.http.send(
              "POST",
              "/mcp",
              agent,
              Map.of("Accept", "application/json, text/event-stream", "Mcp-Session-Id", session),
              notJson,
              CALL);
      assertThat(refused.statusCode()).as(notJson).isEqualTo(415);
    }
    assertThat(invocations()).isEqualTo(before);
    delete(rig.http, agent, session);
  }

  /**
   * Regression: an empty body (Content-Length: 0) was a 500, its buffer read as if it were there.
   * It is an empty JSON text, a parse error like a body of blanks, in a session or not.
   */
  @Test
  void anEmptyBodyIsAParseError() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    double before = invocations();
    for (String inSession : Arrays.asList(session, null)) {
      for (String body : List.of("", " ")) {
        HttpResponse<String> answer = post(rig.http, agent, inSession, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(error(answer).getInteger("code")).isEqualTo(-32700);
      }
    }
    assertThat(invocations()).isEqualTo(before);
    delete(rig.http, agent, session);
  }

  /**
   * A request carrying an {@code Origin} the service does not allow (a page of another site, as a
   * DNS rebinding attack would send it) is refused before any session exists; one without an {@code
   * Origin}, as SDK clients send, is served.
   */
  @Test
  void aRequestFromAnOriginNotAllowedIsRefusedBeforeASessionOpens() {
    agent = rig.agent("acme", "echo");
    Map<String, String> foreign =
        Map.of("Accept", "application/json, text/event-stream", "Origin", "http://evil.example");
    for (String method : List.of("POST", "GET", "DELETE")) {
      HttpResponse<String> refused =
          method.equals("POST")
              ? rig.http.send(method, "/mcp", agent, foreign, initializeMessage())
              : rig.http.send(method, "/mcp", agent, foreign);
      assertThat(refused.statusCode()).as(method).isEqualTo(403);
      assertThat(refused.headers().firstValue("Mcp-Session-Id")).isEmpty();
      assertThat(refused.body()).contains("FORBIDDEN", "http://evil.example");
    }
    delete(rig.http, agent, initialize(rig.http, agent));
  }

  /**
   * Batches were removed from MCP after 2025-03-26. Regression: the version header alone decided,
   * so a batch without it, or naming 2025-03-26, was served in a session of a later version; the
   * session's negotiated version decides now.
   */
  @Test
  void aBatchInASessionOfALaterVersionIsRefusedAsAWhole() {
    agent = rig.agent("acme", "echo");
    double before = invocations();
    String batch = "[" + CALL + "," + CALL + "]";
    for (String version : List.of("2025-06-18", "2025-11-25")) {
      String session = initialize(rig.http, agent, version);
      for (String header : Arrays.asList(null, version)) {
        HttpResponse<String> answer = post(rig.http, agent, session, header, batch);
        assertThat(answer.statusCode()).as(header).isEqualTo(400);
        assertThat(error(answer).getInteger("code")).isEqualTo(-32600);
        assertThat(error(answer).getString("message")).contains("2025-03-26 only", version);
      }
      HttpResponse<String> claimed = post(rig.http, agent, session, "2025-03-26", batch);
      assertThat(claimed.statusCode()).isEqualTo(400);
      assertThat(error(claimed).getString("message")).contains("not this session's version");
      delete(rig.http, agent, session);
    }
    String batching = initialize(rig.http, agent, "2025-03-26");
    HttpResponse<String> claimed = post(rig.http, agent, batching, "2025-06-18", batch);
    assertThat(claimed.statusCode()).isEqualTo(400);
    assertThat(error(claimed).getString("message")).contains("not this session's version");
    assertThat(invocations()).isEqualTo(before);
    assertThat(post(rig.http, agent, batching, "2025-03-26", batch).statusCode()).isEqualTo(200);
    delete(rig.http, agent, batching);
  }

  /**
   * Regression: a request whose MCP-Protocol-Version differed from its session's was served. It is
   * 400 (on POST, GET and DELETE alike); a request without the header is read under its session's
   * version, and one naming it is served.
   */
  @Test
  void aVersionHeaderOtherThanTheSessionsIsRefused() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent, "2025-06-18");
    double before = invocations();
    for (String other : List.of("2025-11-25", "2025-03-26")) {
      HttpResponse<String> answer = post(rig.http, agent, session, other, CALL);
      assertThat(answer.statusCode()).as(other).isEqualTo(400);
      assertThat(error(answer).getInteger("code")).isEqualTo(-32600);
      assertThat(error(answer).getString("message"))
          .contains("not this session's version", "2025-06-18");
      Map<String, String> headers =
          Map.of(
              "Mcp-Session-Id",
              session,
              "MCP-Protocol-Version",
              other,
              "Accept",
              "text/event-stream");
      assertThat(rig.http.send("GET", "/mcp", agent, headers).statusCode()).isEqualTo(400);
      assertThat(rig.http.send("DELETE", "/mcp", agent, headers).statusCode()).isEqualTo(400);
    }
    assertThat(invocations()).isEqualTo(before);
    for (String header : Arrays.asList(null, "2025-06-18")) {
      HttpResponse<String> served = post(rig.http, agent, session, header, CALL);
      assertThat(served.statusCode()).as(header).isEqualTo(200);
      assertThat(json(served).getJsonObject("result").getBoolean("isError")).isFalse();
    }
    delete(rig.http, agent, session);

    // Verification probe: an initialize whose header named 2025-03-26 while its body asked for
    // 2025-11-25 opened a 2025-11-25 session; the header must name the version it opens.
    HttpResponse<String> mismatched =
        post(rig.http, agent, null, "2025-03-26", initializeMessage("2025-11-25"));
    assertThat(mismatched.statusCode()).isEqualTo(400);
    assertThat(error(mismatched).getInteger("code")).isEqualTo(-32600);
    assertThat(mismatched.headers().firstValue("Mcp-Session-Id")).isEmpty();
    HttpResponse<String> matched =
        post(rig.http, agent, null, "2025-11-25", initializeMessage("2025-11-25"));
    assertThat(matched.statusCode()).isEqualTo(200);
    delete(rig.http, agent, matched.headers().firstValue("Mcp-Session-Id").orElseThrow());
  }

  /**
   * Regression: MCP 2025-03-26 says a server MUST accept batches, which were refused. A batch (a
   * 2025-03-26 client sends no version header) is answered in one array in its order; a bad element
   * and {@code initialize} get their errors there; notifications and responses get no answer, and a
   * batch of nothing else is 202.
   */
  @Test
  void aBatchUnder2025_03_26IsAnsweredInOneArray() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent, "2025-03-26");
    double before = invocations();
    HttpResponse<String> answer =
        post(
            rig.http,
            agent,
            session,
            "["
                + CALL
                + ",{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}},"
                + initializeMessage()
                + ",[]]");
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonArray answers = new JsonArray(answer.body());
    assertThat(answers).hasSize(5);
    assertThat(answers.getJsonObject(0).getInteger("id")).isEqualTo(7);
    assertThat(answers.getJsonObject(0).getJsonObject("result").getBoolean("isError")).isFalse();
    assertThat(answers.getJsonObject(1).getString("id")).isEqualTo("p");
    assertThat(answers.getJsonObject(1).getJsonObject("result")).isEqualTo(new JsonObject());
    assertThat(answers.getJsonObject(2).getInteger("id")).isEqualTo(9);
    assertThat(answers.getJsonObject(3).getInteger("id")).isZero();
    assertThat(answers.getJsonObject(3).getJsonObject("error").getString("message"))
        .contains("initialize must not be part of a batch");
    assertThat(answers.getJsonObject(4).getValue("id")).isNull();
    for (int i = 2; i < 5; i++) {
      assertThat(answers.getJsonObject(i).getJsonObject("error").getInteger("code"))
          .isEqualTo(-32600);
    }
    assertThat(invocations()).isEqualTo(before + 1);

    String quiet = "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]";
    assertThat(post(rig.http, agent, session, quiet).statusCode()).isEqualTo(202);
    delete(rig.http, agent, session);
  }

  /** A batch is bounded, and sent in a live session; else it is refused before any tool runs. */
  @Test
  void aBatchOutOfBoundsOrOutsideASessionIsRefusedAsAWhole() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent, "2025-03-26");
    double before = invocations();
    String tooMany = "[" + String.join(",", Collections.nCopies(17, CALL)) + "]";
    for (String batch : List.of("[]", tooMany)) {
      HttpResponse<String> answer = post(rig.http, agent, session, batch);
      assertThat(answer.statusCode()).isEqualTo(400);
      assertThat(error(answer).getString("message")).contains("1 to 16 messages");
    }
    HttpResponse<String> sessionless = post(rig.http, agent, null, "[" + CALL + "]");
    assertThat(sessionless.statusCode()).isEqualTo(400);
    assertThat(error(sessionless).getString("message")).contains("initialize first");
    delete(rig.http, agent, session);
    assertThat(post(rig.http, agent, session, "[" + CALL + "]").statusCode()).isEqualTo(404);
    assertThat(invocations()).isEqualTo(before);
  }

  @Test
  void unknownMethodsAndWrongParamsAreJsonRpcErrors() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    double before = invocations();
    JsonObject unknown =
        json(
            post(
                rig.http,
                agent,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":\"u\",\"method\":\"resources/list\"}"));
    assertThat(unknown.getString("id")).isEqualTo("u");
    assertThat(unknown.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    for (String params :
        new String[] {
          "{\"name\":42}", "{\"name\":\"echo\",\"arguments\":[1]}", "{\"arguments\":{}}"
        }) {
      JsonObject wrong =
          json(
              post(
                  rig.http,
                  agent,
                  session,
                  "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                      + params
                      + "}"));
      assertThat(wrong.getJsonObject("error").getInteger("code")).as(params).isEqualTo(-32602);
    }
    // A list cursor this server never gave: not base64, or base64 of no tool name.
    for (String cursor : new String[] {"c".repeat(3_000), "eyJhIjoxfQ", "!!"}) {
      JsonObject listed =
          json(
              post(
                  rig.http,
                  agent,
                  session,
                  "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"cursor\":\""
                      + cursor
                      + "\"}}"));
      assertThat(listed.encode())
          .as(cursor.substring(0, Math.min(20, cursor.length())))
          .contains("-32602");
    }
    // Regression: params given by position ([]) made ping -32600, as if the request were
    // malformed. JSON-RPC allows them; MCP methods take an object, so they are invalid params.
    for (String method : new String[] {"ping", "tools/list", "tools/call"}) {
      HttpResponse<String> positional =
          post(
              rig.http,
              agent,
              session,
              "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"" + method + "\",\"params\":[]}");
      assertThat(positional.statusCode()).as(method).isEqualTo(200);
      assertThat(error(positional).getInteger("code")).as(method).isEqualTo(-32602);
      assertThat(error(positional).getString("message")).as(method).contains("must be an object");
    }
    HttpResponse<String> unknownPositional =
        post(
            rig.http,
            agent,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"resources/list\",\"params\":[1]}");
    assertThat(error(unknownPositional).getInteger("code")).isEqualTo(-32601);
    HttpResponse<String> initializePositional =
        post(
            rig.http,
            agent,
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"initialize\",\"params\":[]}");
    assertThat(error(initializePositional).getInteger("code")).isEqualTo(-32602);
    assertThat(initializePositional.headers().firstValue("Mcp-Session-Id")).isEmpty();
    // A params that is no structured value at all makes the request itself invalid.
    for (String params : new String[] {"1", "\"x\"", "null", "true"}) {
      HttpResponse<String> scalar =
          post(
              rig.http,
              agent,
              session,
              "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":" + params + "}");
      assertThat(scalar.statusCode()).as(params).isEqualTo(400);
      assertThat(error(scalar).getInteger("code")).as(params).isEqualTo(-32600);
    }
    HttpResponse<String> noMethod =
        post(rig.http, agent, session, "{\"jsonrpc\":\"2.0\",\"id\":4,\"params\":{}}");
    assertThat(error(noMethod).getInteger("code")).isEqualTo(-32600);
    // Regression: a message with a method and a result was served as a request.
    HttpResponse<String> mixed =
        post(
            rig.http,
            agent,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"result\":{},"
                + "\"params\":{\"name\":\"echo\",\"arguments\":{}}}");
    assertThat(mixed.statusCode()).isEqualTo(400);
    assertThat(error(mixed).getInteger("code")).isEqualTo(-32600);
    assertThat(json(mixed).getInteger("id")).isEqualTo(5);
    HttpResponse<String> badId =
        post(rig.http, agent, session, "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}");
    assertThat(error(badId).getInteger("code")).isEqualTo(-32600);
    for (String id : new String[] {"1.5", "null", "123456789012345678901234567890", "1e3"}) {
      HttpResponse<String> refused =
          post(
              rig.http,
              agent,
              session,
              "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
      assertThat(error(refused).getInteger("code")).as(id).isEqualTo(-32600);
      assertThat(error(refused).getString("message")).as(id).contains("-2^63 to 2^63 - 1");
    }
    // Every answer echoes the id: a long one is refused, not echoed.
    HttpResponse<String> longId =
        post(
            rig.http,
            agent,
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":\"" + "i".repeat(3000) + "\",\"method\":\"ping\"}");
    assertThat(error(longId).getInteger("code")).isEqualTo(-32600);
    assertThat(longId.body().length()).isLessThan(1000);
    assertThat(invocations()).isEqualTo(before);
    delete(rig.http, agent, session);
  }

  @Test
  void callsBeforeInitializeOrWithAnotherAgentsSessionRunNothing() {
    agent = rig.agent("acme", "echo");
    double before = invocations();
    HttpResponse<String> noSession = post(rig.http, agent, null, CALL);
    assertThat(noSession.statusCode()).isEqualTo(400);
    assertThat(error(noSession).getInteger("code")).isEqualTo(-32600);
    HttpResponse<String> invented = post(rig.http, agent, "not-a-session", CALL);
    assertThat(invented.statusCode()).isEqualTo(404);
    String othersSession = initialize(rig.http, rig.agent("acme", "echo"));
    assertThat(post(rig.http, agent, othersSession, CALL).statusCode()).isEqualTo(404);
    String otherTenants = initialize(rig.http, rig.agent("globex", "echo"));
    assertThat(post(rig.http, agent, otherTenants, CALL).statusCode()).isEqualTo(404);
    assertThat(invocations()).isEqualTo(before);
  }

  /**
   * Regression: sessions were keyed by tenant and subject only, so a token of the same subject
   * confined to a narrower scope used, and could end, the session its tenant-wide token opened. A
   * session now belongs to the exact scope too.
   */
  @Test
  void aSessionIsTheExactScopesNotEveryTokenOfItsSubjects() {
    String subject = "agent-" + UUID.randomUUID().toString().substring(0, 8);
    agent = scoped(subject, "acme");
    String narrow = scoped(subject, "acme/proj");
    String session = initialize(rig.http, agent);
    double before = invocations();

    assertThat(post(rig.http, narrow, session, CALL).statusCode()).isEqualTo(404);
    assertThat(
            rig.http.send("DELETE", "/mcp", narrow, Map.of("Mcp-Session-Id", session)).statusCode())
        .isEqualTo(404);
    assertThat(invocations()).isEqualTo(before);
    assertThat(post(rig.http, agent, session, CALL).statusCode()).isEqualTo(200);
    delete(rig.http, agent, session);
  }

  private static String scoped(String subject, String scope) {
    return rig.tokens.mint(
        rig.tokens.spec(subject, "agent").withScope(scope).withListClaim("tools", List.of("echo")));
  }

  @Test
  void aHugeRequestIsRefusedBeforeItIsRead() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    double before = invocations();
    String huge = CALL.replace("{\"a\":1}", "{\"a\":\"" + "x".repeat(MAX_INPUT) + "\"}");
    HttpResponse<String> answer = post(rig.http, agent, session, huge);
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(invocations()).isEqualTo(before);
    delete(rig.http, agent, session);
  }

  @Test
  void anUnsupportedProtocolVersionIsRefused() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    HttpResponse<String> answer =
        rig.http.send(
            "POST",
            "/mcp",
            agent,
            Map.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "1999-01-01"),
            CALL);
    assertThat(answer.statusCode()).isEqualTo(400);
    delete(rig.http, agent, session);
  }

  /**
   * Regression: at its maximum of sessions an agent's initialize was refused until one expired (30
   * minutes), and clients end sessions by leaving them. A flood of initialize now ends the agent's
   * least recently used idle sessions; it is refused only while every session is held by an open
   * stream (on any node) or a running call, with Retry-After until the soonest hold lapses unless
   * renewed; and a stream's close frees its session for the next.
   */
  @Test
  void aFloodOfInitializeEndsIdleSessionsAndIsRefusedOnlyWhileEveryOneIsHeld() throws Exception {
    agent = rig.agent("acme", "echo");
    String first = initialize(rig.http, agent);
    double ended = rig.meters.find("chassis.mcp.sessions.ended").counter().count();
    for (int i = 0; i < 3 * MAX_SESSIONS; i++) {
      initialize(rig.http, agent);
    }
    assertThat(post(rig.http, agent, first, CALL).statusCode()).isEqualTo(404);
    assertThat(rig.meters.find("chassis.mcp.sessions.ended").counter().count())
        .isEqualTo(ended + 2 * MAX_SESSIONS + 1);

    ChassisService second = rig.anotherNode();
    List<Socket> streams = new ArrayList<>();
    try {
      List<String> held = new ArrayList<>();
      for (int i = 0; i < MAX_SESSIONS; i++) {
        String session = initialize(rig.http, agent);
        Socket stream = openStream(i == 0 ? second.port() : rig.service.port(), agent, session);
        streams.add(stream);
        assertThat(statusLine(stream)).startsWith("HTTP/1.1 200");
        held.add(session);
      }
      HttpResponse<String> refused = post(rig.http, agent, null, initializeMessage());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
      assertThat(error(refused).getInteger("code")).isEqualTo(-32600);
      assertThat(refused.headers().firstValue("Mcp-Session-Id")).isEmpty();
      assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
          .hasValueSatisfying(seconds -> assertThat(seconds).isBetween(1L, 60L));
      assertThat(rig.meters.find("chassis.mcp.sessions.refused").counter().count())
          .isGreaterThanOrEqualTo(1);
      for (String session : held) {
        assertThat(post(rig.http, agent, session, CALL).statusCode()).isEqualTo(200);
      }
    } finally {
      for (Socket stream : streams) {
        stream.close();
      }
      Await.result(second.stop());
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> post(rig.http, agent, null, initializeMessage()).statusCode() == 200);
  }

  @Test
  void aSessionOpenedOnOneNodeIsServedByAnother() {
    agent = rig.agent("acme", "echo");
    ChassisService second = rig.anotherNode();
    try {
      HttpTestClient other = new HttpTestClient(second.port());
      String session = initialize(rig.http, agent);
      JsonObject answer = json(post(other, agent, session, CALL));
      assertThat(answer.getJsonObject("result").getJsonObject("structuredContent"))
          .isEqualTo(new JsonObject().put("a", 1));
      delete(other, agent, session);
      // the first node trusts what it saw for at most chassis.mcp.sessionRecheck (1s)
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> post(rig.http, agent, session, CALL).statusCode() == 404);
    } finally {
      Await.result(second.stop());
    }
  }

  /**
   * Regression: the stream's Accept check looked for the substring "text/event-stream", so {@code
   * *}{@code /*} and {@code text/*} were refused with 406, while a range refusing the stream
   * ({@code q=0}) or another type that merely contains the words opened one. Accept is now
   * negotiated.
   */
  @Test
  void theStreamsAcceptIsNegotiatedNotSearched() throws Exception {
    agent = rig.agent("acme", "echo");
    for (String accept :
        List.of(
            "*/*", "text/*", "application/json;q=1, TEXT/Event-Stream;q=0.1", "*/*;q=0, text/*")) {
      String session = initialize(rig.http, agent);
      assertThat(streamStatus(streamRequest(agent, session, accept)))
          .as(accept)
          .startsWith("HTTP/1.1 200");
      delete(rig.http, agent, session);
    }
    String session = initialize(rig.http, agent);
    for (String accept :
        List.of(
            "text/event-stream;q=0",
            "*/*, text/event-stream;q=0",
            "application/x-text/event-stream-not",
            "application/json")) {
      assertThat(streamStatus(streamRequest(agent, session, accept)))
          .as(accept)
          .startsWith("HTTP/1.1 406");
    }
    delete(rig.http, agent, session);
  }

  /**
   * Regression: POST ignored Accept: {@code application/json;q=0}, {@code text/html} and {@code
   * text/event-stream} alone were all answered 200 with application/json, a type the client had
   * refused. Accept is negotiated on POST as on GET, by the same helper, against the one type a
   * POST is answered with; a client that sends none, or {@code *}{@code /*}, is served as before.
   */
  @Test
  void thePostsAcceptIsNegotiatedAsTheStreamsIs() {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    for (String accept :
        List.of("application/json;q=0, text/event-stream", "text/html", "text/event-stream")) {
      HttpResponse<String> refused = ping(session, accept);
      assertThat(refused.statusCode()).as(accept).isEqualTo(406);
      assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(error(refused).getInteger("code")).isEqualTo(-32600);
      assertThat(error(refused).getJsonObject("data").getString("code"))
          .isEqualTo("NOT_ACCEPTABLE");
    }
    for (String accept :
        Arrays.asList(
            "*/*",
            "application/*",
            "application/json",
            "text/event-stream;q=0, APPLICATION/JSON;q=0.5",
            null)) {
      assertThat(ping(session, accept).statusCode()).as(String.valueOf(accept)).isEqualTo(200);
    }
    delete(rig.http, agent, session);
  }

  /** A ping in {@code session}, accepting {@code accept} (no Accept header when null). */
  private HttpResponse<String> ping(String session, String accept) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Mcp-Session-Id", session);
    if (accept != null) {
      headers.put("Accept", accept);
    }
    return rig.http.send(
        "POST", "/mcp", agent, headers, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
  }

  /**
   * A client that leaves while its stream's session is being looked up leaves nothing listed: the
   * session opens its stream afterwards, and the node's bound of streams is not used up by ghosts.
   */
  @Test
  void aStreamWhoseClientLeftBeforeItOpenedHoldsNoPlace() throws Exception {
    agent = rig.agent("acme", "echo");
    String session = initialize(rig.http, agent);
    String request = streamRequest(agent, session);
    for (int i = 0; i < 20; i++) {
      try (Socket socket = new Socket("127.0.0.1", rig.service.port())) {
        socket.setSoLinger(true, 0); // a reset, at once
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(streamStatus(request)).startsWith("HTTP/1.1 200"));
    delete(rig.http, agent, session);
  }

  /**
   * One tenant's streams hold at most half of the node's places: its next is 429 while another
   * tenant's opens, and a place it gives back serves it again.
   */
  @Test
  void oneTenantsStreamsHoldAtMostHalfOfTheNodesPlaces() throws Exception {
    agent = rig.agent("acme", "echo");
    String acme = rig.agent("acme", "echo");
    String globex = rig.agent("globex", "echo");
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_STREAMS / 2; i++) {
        Socket stream = openStream(acme, initialize(rig.http, acme));
        held.add(stream);
        assertThat(statusLine(stream)).startsWith("HTTP/1.1 200");
      }
      String refused = streamStatus(streamRequest(acme, initialize(rig.http, acme)));
      assertThat(refused).startsWith("HTTP/1.1 429");
      assertThat(streamStatus(streamRequest(globex, initialize(rig.http, globex))))
          .startsWith("HTTP/1.1 200");
    } finally {
      for (Socket stream : held) {
        stream.close();
      }
    }
    String after = streamRequest(agent, initialize(rig.http, agent));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(streamStatus(after)).startsWith("HTTP/1.1 200"));
  }

  /**
   * Regression: two tenants at half of the node's stream places each shut every other tenant out
   * for as long as their streams lasted. A tenant under its fair share still opens one, one at its
   * fair share on a full node is 503, and a stream its session's DELETE ended gives its place back.
   */
  @Test
  void twoTenantsAtHalfTheStreamsEachLeaveAThirdTenantItsFairShare() throws Exception {
    agent = rig.agent("initech", "echo");
    List<Socket> held = new ArrayList<>();
    try {
      for (String tenant : List.of("acme", "globex")) {
        String token = rig.agent(tenant, "echo");
        for (int i = 0; i < MAX_STREAMS / 2; i++) {
          Socket stream = openStream(token, initialize(rig.http, token));
          held.add(stream);
          assertThat(statusLine(stream)).startsWith("HTTP/1.1 200");
        }
      }
      String first = initialize(rig.http, agent);
      Socket third = openStream(agent, first);
      held.add(third);
      assertThat(statusLine(third)).startsWith("HTTP/1.1 200");
      assertThat(streamStatus(streamRequest(agent, initialize(rig.http, agent))))
          .startsWith("HTTP/1.1 503");

      delete(rig.http, agent, first);

      String again = streamRequest(agent, initialize(rig.http, agent));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(streamStatus(again)).startsWith("HTTP/1.1 200"));
    } finally {
      for (Socket stream : held) {
        stream.close();
      }
    }
  }

  private static String streamRequest(String token, String session) {
    return streamRequest(token, session, "text/event-stream");
  }

  private static String streamRequest(String token, String session, String accept) {
    return "GET /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + token
        + "\r\nAccept: "
        + accept
        + "\r\nMcp-Session-Id: "
        + session
        + "\r\n\r\n";
  }

  private static Socket openStream(String token, String session) throws IOException {
    return openStream(rig.service.port(), token, session);
  }

  private static Socket openStream(int port, String token, String session) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
    socket
        .getOutputStream()
        .write(streamRequest(token, session).getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private static String statusLine(Socket socket) throws IOException {
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  /** Opens a stream and returns its status line, then leaves. */
  private static String streamStatus(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", rig.service.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return statusLine(socket);
    }
  }

  private static double invocations() {
    var counter = rig.meters.find("chassis.invocations").counters();
    return counter.stream().mapToDouble(c -> c.count()).sum();
  }

  private static String initializeMessage() {
    return initializeMessage("2025-11-25");
  }

  private static String initializeMessage(String version) {
    return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
        + "{\"protocolVersion\":\""
        + version
        + "\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
  }

  static String initialize(HttpTestClient http, String token) {
    return initialize(http, token, "2025-11-25");
  }

  /** Opens a session of {@code version}, as a client of that version does. */
  static String initialize(HttpTestClient http, String token, String version) {
    HttpResponse<String> answer = post(http, token, null, initializeMessage(version));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).getJsonObject("result").getString("protocolVersion"))
        .isEqualTo(version);
    return answer.headers().firstValue("Mcp-Session-Id").orElseThrow();
  }

  static HttpResponse<String> post(HttpTestClient http, String token, String session, String body) {
    return post(http, token, session, null, body);
  }

  /** A POST naming {@code version} in MCP-Protocol-Version, or without it when null. */
  static HttpResponse<String> post(
      HttpTestClient http, String token, String session, String version, String body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Accept", "application/json, text/event-stream");
    if (session != null) {
      headers.put("Mcp-Session-Id", session);
    }
    if (version != null) {
      headers.put("MCP-Protocol-Version", version);
    }
    return http.send("POST", "/mcp", token, headers, body);
  }

  static void delete(HttpTestClient http, String token, String session) {
    assertThat(http.send("DELETE", "/mcp", token, Map.of("Mcp-Session-Id", session)).statusCode())
        .isEqualTo(204);
  }

  private static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  private static JsonObject error(HttpResponse<String> response) {
    return json(response).getJsonObject("error");
  }
}
