package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP Java SDK as the client of the chassis over Streamable HTTP: it initializes,
 * lists the tools its token grants (with the contract's title, description, schemas and
 * annotations), calls one and gets structured output, sees tool failures as {@code isError} results
 * and refused input as invalid-params errors, is told when tools are published, and gets nowhere
 * without a token or with a token that does not grant the tool.
 */
@Timeout(120)
class McpClientTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  static final JsonObject TEXT_SCHEMA =
      new JsonObject()
          .put("type", "object")
          .put(
              "properties",
              new JsonObject()
                  .put("text", new JsonObject().put("type", "string").put("maxLength", 20)))
          .put("required", List.of("text"));

  private static ChassisServiceRig rig;
  private static byte[] echo;

  @BeforeAll
  static void start() {
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(), directory, Map.of("chassis.mcp.toolsPollInterval", "100ms"));
    echo = Guests.wat(Guests.ECHO);
    register(
        Contracts.forModule("echo", echo)
            .put("title", "Echo")
            .put("description", "Answers its input.")
            .put("inputSchema", TEXT_SCHEMA)
            .put("outputSchema", TEXT_SCHEMA),
        echo);
    byte[] trap =
        Guests.wat(
            "(module (memory (export \"memory\") 1)"
                + " (func (export \"run\") (result i32) unreachable))");
    register(Contracts.forModule("trap", trap), trap);
    register(
        Contracts.forModule("keyed", echo)
            .grantHttp(List.of("https://api.example:443"), 1, 1000, 1000)
            .credentials(List.of("search-key")),
        echo);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static void register(Contracts contract, byte[] module) {
    HttpResponse<String> registered = rig.register(module, contract);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  @Test
  void listsTheGrantedToolsFromTheirContractsAndCallsOneWithStructuredOutput() {
    try (McpSyncClient client =
        McpClients.connect(rig.service.port(), rig.agent("acme", "echo", "trap"))) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("infrafabric-chassis");
      assertThat(init.capabilities().tools().listChanged()).isTrue();

      List<McpSchema.Tool> tools = client.listTools().tools();
      assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("echo", "trap");
      McpSchema.Tool listed = tools.get(0);
      assertThat(listed.title()).isEqualTo("Echo");
      assertThat(listed.description()).isEqualTo("Answers its input.");
      assertThat(new JsonObject(listed.inputSchema())).isEqualTo(TEXT_SCHEMA);
      assertThat(new JsonObject(listed.outputSchema())).isEqualTo(TEXT_SCHEMA);
      assertThat(listed.annotations().readOnlyHint()).isTrue();
      assertThat(listed.annotations().openWorldHint()).isFalse();

      McpSchema.CallToolResult result =
          client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hello")));
      assertThat(result.isError()).isFalse();
      assertThat(result.structuredContent()).isEqualTo(Map.of("text", "hello"));
      assertThat(((McpSchema.TextContent) result.content().get(0)).text())
          .isEqualTo("{\"text\":\"hello\"}");
      assertThat(client.ping()).isNotNull();
    }
  }

  /**
   * Regression: an ordinary client locked its agent out of MCP for 30 minutes. The official
   * TypeScript SDK's close() sends no DELETE, so after {@code maxSessionsPerAgent} (8) cycles of
   * connect, list, close every initialize was 429 until a session expired. The agent's least
   * recently used idle session now makes room for the next.
   */
  @Test
  void clientsThatEndNoSessionNeverLockTheirAgentOut() {
    String agent = rig.agent("acme", "echo");
    int cycles = 2 * McpSettings.defaults().maxSessionsPerAgent() + 1;
    double ended = rig.meters.find("chassis.mcp.sessions.ended").counter().count();
    for (int i = 0; i < cycles; i++) {
      try (McpSyncClient client = McpClients.endingNoSession(rig.service.port(), agent)) {
        client.initialize();
        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo");
      }
    }
    assertThat(rig.meters.find("chassis.mcp.sessions.ended").counter().count())
        .isEqualTo(ended + cycles - McpSettings.defaults().maxSessionsPerAgent());
  }

  @Test
  void inputAgainstTheSchemaIsRefusedAsInvalidParamsNamingTheField() {
    try (McpSyncClient client = McpClients.connect(rig.service.port(), rig.agent("acme", "echo"))) {
      client.initialize();
      assertThatThrownBy(
              () -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", 42))))
          .isInstanceOf(McpError.class)
          .satisfies(
              e -> {
                assertThat(((McpError) e).getJsonRpcError().code()).isEqualTo(-32602);
                assertThat(e.getMessage()).contains("/text");
              });
    }
  }

  /** An input above what is checked where it arrives is checked all the same, off the loop. */
  @Test
  void aLargeInputIsCheckedAgainstTheSchemaToo() {
    String agent = rig.agent("acme", "echo");
    JsonArray pad = new JsonArray();
    for (int i = 0; i < 20_000; i++) {
      pad.add(i);
    }
    HttpResponse<String> refused =
        rig.invoke(agent, "echo", "1.0.0", new JsonObject().put("text", "x".repeat(100_000)));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("message")).contains("/text");

    HttpResponse<String> valid =
        rig.invoke(agent, "echo", "1.0.0", new JsonObject().put("text", "hi").put("pad", pad));
    // It passed the schema and reached the guest, whose one page of memory cannot hold it.
    assertThat(new JsonObject(valid.body()).getString("outcome"))
        .as(valid.body())
        .isEqualTo("TRAP");
  }

  @Test
  void restInvocationsAreCheckedAgainstTheSameSchemaBeforeAnythingRuns() {
    HttpResponse<String> refused =
        rig.invoke(rig.agent("acme", "echo"), "echo", "1.0.0", new JsonObject().put("text", 3));
    assertThat(refused.statusCode()).isEqualTo(400);
    JsonObject body = new JsonObject(refused.body());
    assertThat(body.getString("outcome")).isEqualTo("INVALID_INPUT");
    assertThat(body.getString("message")).contains("/text");
    assertThat(body.getJsonObject("report").getLong("cpu_time_us")).isZero();
  }

  @Test
  void aTrapIsAToolErrorWithItsOutcome() {
    try (McpSyncClient client = McpClients.connect(rig.service.port(), rig.agent("acme", "trap"))) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(new McpSchema.CallToolRequest("trap", Map.of()));
      assertThat(result.isError()).isTrue();
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).startsWith("TRAP: ");
      assertThat(result.meta()).containsEntry("infrafabric/outcome", "TRAP");
    }
  }

  @Test
  void aToolThatNeedsAGrantSaysSoWhenCalledWithoutOne() {
    try (McpSyncClient client =
        McpClients.connect(rig.service.port(), rig.agent("acme", "keyed"))) {
      client.initialize();
      McpSchema.CallToolResult result =
          client.callTool(new McpSchema.CallToolRequest("keyed", Map.of("text", "x")));
      assertThat(result.isError()).isTrue();
      assertThat(result.meta()).containsEntry("infrafabric/outcome", "GRANT_REQUIRED");
      assertThat(((McpSchema.TextContent) result.content().get(0)).text()).contains("grant");
    }
  }

  @Test
  void aToolTheTokenDoesNotGrantIsNeitherListedNorCallable() {
    try (McpSyncClient client = McpClients.connect(rig.service.port(), rig.agent("acme", "trap"))) {
      client.initialize();
      assertThat(client.listTools().tools())
          .extracting(McpSchema.Tool::name)
          .containsExactly("trap");
      assertThatThrownBy(
              () -> client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "x"))))
          .isInstanceOf(McpError.class)
          .hasMessageContaining("Unknown tool");
      assertThatThrownBy(
              () ->
                  client.callTool(new McpSchema.CallToolRequest("echo@1.0.0", Map.of("text", "x"))))
          .isInstanceOf(McpError.class);
    }
  }

  @Test
  void withoutAValidTokenNothingIsServedAndThe401PointsAtTheMetadata() {
    try (McpSyncClient client = McpClients.connect(rig.service.port(), null)) {
      assertThatThrownBy(client::initialize).isInstanceOf(RuntimeException.class);
    }
    HttpResponse<String> refused = rig.http.send("POST", "/mcp", null, Map.of(), "{}");
    assertThat(refused.statusCode()).isEqualTo(401);
    String metadataUrl =
        "http://127.0.0.1:" + rig.service.port() + "/.well-known/oauth-protected-resource/mcp";
    assertThat(refused.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer resource_metadata=\"" + metadataUrl + "\"");
    HttpResponse<String> metadata = rig.http.get("/.well-known/oauth-protected-resource/mcp", null);
    assertThat(metadata.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(metadata.body()).getString("resource"))
        .isEqualTo("http://127.0.0.1:" + rig.service.port() + "/mcp");
  }

  /**
   * Regression: the chassis's challenges named only its metadata: a 401 for an expired token had no
   * {@code error="invalid_token"}, and a 403 for a token without the route's role had no {@code
   * WWW-Authenticate} at all, where MCP's authorization asks for {@code insufficient_scope} and the
   * metadata. Every refusal of a token, on {@code /mcp} and the REST routes alike, says why and
   * where to get another.
   */
  @Test
  void everyRefusalOfATokenSaysWhyAndNamesTheMetadata() {
    String metadata =
        "resource_metadata=\"http://127.0.0.1:"
            + rig.service.port()
            + "/.well-known/oauth-protected-resource/mcp\"";
    String expired = rig.tokens.expired("agent-1");
    HttpResponse<String> refused = rig.http.send("POST", "/mcp", expired, Map.of(), "{}");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("WWW-Authenticate"))
        .contains(
            "Bearer error=\"invalid_token\", error_description=\"the token has expired\", "
                + metadata);
    for (HttpResponse<String> forbidden :
        List.of(
            rig.http.send("POST", "/mcp", rig.operator(), Map.of(), "{}"),
            rig.http.send("POST", "/v1/tools", rig.agent("acme", "echo"), Map.of(), "{}"))) {
      assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(403);
      assertThat(forbidden.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(
              challenge ->
                  assertThat(challenge)
                      .startsWith("Bearer error=\"insufficient_scope\", ")
                      .endsWith(metadata));
    }
  }

  /**
   * Regression: the 401's {@code resource_metadata} and the metadata's {@code resource} were built
   * from the request's {@code Host}, whatever it said, and the document was cacheable for 5
   * minutes: a forged Host pointed clients (and caches) at another origin for their tokens. A Host
   * that is not this server is now replaced by the address the connection reached, and the document
   * is not cached.
   */
  @Test
  void aForgedHostIsNotReflectedIntoTheAuthMetadata() throws IOException {
    String own = "http://127.0.0.1:" + rig.service.port();
    String refused = raw("POST /mcp", "evil.example:666");
    assertThat(refused)
        .startsWith("HTTP/1.1 401")
        .contains("resource_metadata=\"" + own + "/.well-known/oauth-protected-resource/mcp\"")
        .doesNotContain("evil");
    String metadata = raw("GET /.well-known/oauth-protected-resource/mcp", "evil.example:666");
    assertThat(metadata)
        .contains("\"resource\":\"" + own + "/mcp\"")
        .containsIgnoringCase("cache-control: no-store")
        .doesNotContain("evil");
    assertThat(
            raw("GET /.well-known/oauth-protected-resource/mcp", "localhost:" + rig.service.port()))
        .contains("\"resource\":\"http://localhost:" + rig.service.port() + "/mcp\"");
  }

  /** A request with {@code host} as its Host, which the JDK client will not send; the answer. */
  private String raw(String requestLine, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", rig.service.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              (requestLine
                      + " HTTP/1.1\r\nHost: "
                      + host
                      + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void openSessionsAreToldWhenAGrantedToolIsPublished() {
    List<List<McpSchema.Tool>> told = new CopyOnWriteArrayList<>();
    try (McpSyncClient client =
        McpClients.connect(rig.service.port(), rig.agent("acme", "fresh"), null, told::add)) {
      client.initialize();
      assertThat(client.listTools().tools()).isEmpty();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rig.meters.find("chassis.mcp.streams.open").gauge().value() >= 1);
      register(Contracts.forModule("fresh", echo), echo);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(told)
                      .anySatisfy(
                          tools ->
                              assertThat(tools)
                                  .extracting(McpSchema.Tool::name)
                                  .containsExactly("fresh")));
    }
  }
}
