package com.infrafabric.chassis.http;

import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.testing.AccessMatrix.Call;
import com.infrafabric.platform.testing.HttpTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/**
 * The MCP endpoint's routes as access-matrix calls. Each call cleans up after itself (the session
 * it opened is ended, which also ends a notification stream), so the matrix can repeat them without
 * reaching an agent's maximum of sessions.
 */
final class McpCalls {

  static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
          + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
          + "\"clientInfo\":{\"name\":\"matrix\",\"version\":\"1\"}}}";

  private McpCalls() {}

  /** {@code POST /mcp} with initialize; the session it opens is ended again. */
  static Call initialize(HttpTestClient http) {
    return token -> {
      HttpResponse<String> answer = http.send("POST", "/mcp", token, Map.of(), INITIALIZE);
      answer
          .headers()
          .firstValue("Mcp-Session-Id")
          .ifPresent(
              session -> http.send("DELETE", "/mcp", token, Map.of("Mcp-Session-Id", session)));
      return answer;
    };
  }

  /**
   * {@code method /mcp} in a session the same token opens first (an id no agent has when it may
   * not). A notification stream does not end by itself: once it is open ({@code openStreams} counts
   * it), ending the session ends it, and the call answers what the stream's head said.
   */
  static Call inSession(HttpTestClient http, String method, DoubleSupplier openStreams) {
    return token -> {
      HttpResponse<String> opened = http.send("POST", "/mcp", token, Map.of(), INITIALIZE);
      String session = opened.headers().firstValue("Mcp-Session-Id").orElse("no-session");
      Map<String, String> headers = Map.of("Mcp-Session-Id", session);
      if (!method.equals("GET")) {
        return http.send(method, "/mcp", token, headers);
      }
      double before = openStreams.getAsDouble();
      CompletableFuture<HttpResponse<String>> stream =
          CLIENT.sendAsync(
              streamRequest(http, token, session), HttpResponse.BodyHandlers.ofString());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> stream.isDone() || openStreams.getAsDouble() > before);
      if (opened.statusCode() == 200) {
        http.send("DELETE", "/mcp", token, headers);
      }
      return stream.join();
    };
  }

  private static HttpRequest streamRequest(HttpTestClient http, String token, String session) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(http.uri("/mcp"))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", session)
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
}
