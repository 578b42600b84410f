package com.infrafabric.chassis.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Clients of the official MCP Java SDK against a chassis, with an agent's bearer token. */
final class McpClients {

  private McpClients() {}

  static McpSyncClient connect(int port, String token) {
    return connect(port, token, null, tools -> {});
  }

  /**
   * A client whose {@code close()} ends no session, as the official TypeScript SDK's {@code
   * Client.close()}, which sends no {@code DELETE} (only {@code terminateSession()} does): the Java
   * SDK's close sends one, so this client's transport refuses to, and closes its connections all
   * the same.
   */
  static McpSyncClient endingNoSession(int port, String token) {
    return McpClient.sync(
            transport(
                port,
                (request, method, uri, body, context) -> {
                  if (method.equals("DELETE")) {
                    throw new IllegalStateException("this client ends no session");
                  }
                  request.header("Authorization", "Bearer " + token);
                }))
        .requestTimeout(Duration.ofSeconds(20))
        .initializationTimeout(Duration.ofSeconds(20))
        .build();
  }

  /**
   * @param grant the governor's grant to send with every message, or null
   * @param toolsChanged told the tool list after every {@code notifications/tools/list_changed}
   */
  static McpSyncClient connect(
      int port, String token, String grant, Consumer<List<McpSchema.Tool>> toolsChanged) {
    HttpClientStreamableHttpTransport transport =
        transport(
            port,
            (request, method, uri, body, context) -> {
              if (token != null) {
                request.header("Authorization", "Bearer " + token);
              }
              if (grant != null) {
                request.header("X-InfraFabric-Grant", grant);
              }
            });
    return McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(20))
        .initializationTimeout(Duration.ofSeconds(20))
        .toolsChangeConsumer(toolsChanged)
        .build();
  }

  private static HttpClientStreamableHttpTransport transport(
      int port, McpSyncHttpClientRequestCustomizer customizer) {
    return HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
        .endpoint("/mcp")
        .openConnectionOnStartup(true)
        .httpRequestCustomizer(customizer)
        .build();
  }
}
