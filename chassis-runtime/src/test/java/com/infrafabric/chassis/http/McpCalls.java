package com.infrafabric.chassis.http;

import com.infrafabric.platform.testing.AccessMatrix.Call;
import com.infrafabric.platform.testing.HttpTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

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
   * not). A stream is answered as soon as its head arrives, then ended with the session.
   */
  static Call inSession(HttpTestClient http, String method, int port) {
    return token -> {
      HttpResponse<String> opened = http.send("POST", "/mcp", token, Map.of(), INITIALIZE);
      String session = opened.headers().firstValue("Mcp-Session-Id").orElse("no-session");
      HttpResponse<String> answer =
          method.equals("GET")
              ? headOfStream(http, token, session)
              : http.send(method, "/mcp", token, Map.of("Mcp-Session-Id", session));
      if (method.equals("GET") && opened.statusCode() == 200) {
        http.send("DELETE", "/mcp", token, Map.of("Mcp-Session-Id", session));
      }
      return answer;
    };
  }

  private static HttpResponse<String> headOfStream(
      HttpTestClient http, String token, String session) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(http.uri("/mcp"))
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", session)
            .GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> head =
          CLIENT.send(request.build(), info -> HttpResponse.BodySubscribers.replacing(""));
      return head;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
}
