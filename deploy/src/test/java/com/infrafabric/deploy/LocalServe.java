package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.HttpTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code serve} as a newcomer first runs it: local mode (no keys configured), only two free ports
 * set, data under a temporary directory; with clients for both services and the tokens and keys it
 * left there.
 */
final class LocalServe implements AutoCloseable {

  final Path data;
  final int governorPort;
  final int chassisPort;
  final String printed;
  final HttpTestClient governor;
  final HttpTestClient chassis;
  private final Node node;

  private LocalServe(Path data, int governorPort, int chassisPort, String printed, Node node) {
    this.data = data;
    this.governorPort = governorPort;
    this.chassisPort = chassisPort;
    this.printed = printed;
    this.node = node;
    this.governor = new HttpTestClient(governorPort);
    this.chassis = new HttpTestClient(chassisPort);
  }

  static LocalServe start(Path directory) throws IOException {
    return start(directory, Map.of());
  }

  /**
   * {@code serve} with {@code env} as its environment ({@code REDIS_URL} for an external Redis).
   */
  static LocalServe start(Path directory, Map<String, String> env) throws IOException {
    int governorPort = freePort();
    int chassisPort = freePort();
    Path config =
        Files.writeString(
            directory.resolve("local.properties"),
            "http.port="
                + governorPort
                + "\nchassis.http.port="
                + chassisPort
                // A loaded machine may take over the 1 s fail-closed bound to start; other tests
                // pin that bound.
                + "\nredis.commandTimeout=10s\n");
    Path data = directory.resolve("var");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Node node =
        ServeCommand.of(LaunchOptions.of(config, data, Map.of()), env, Clock.systemUTC())
            .start(new PrintStream(printed, true, StandardCharsets.UTF_8));
    return new LocalServe(
        data, governorPort, chassisPort, printed.toString(StandardCharsets.UTF_8), node);
  }

  /** The token {@code serve} wrote as {@code tokens/<name>.jwt}. */
  String token(String name) {
    try {
      return Files.readString(data.resolve("tokens/" + name + ".jwt")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers {@code module} under {@code contract} signed with the local publisher key. */
  HttpResponse<String> register(byte[] module, String contract) {
    String jws =
        ContractSigner.sign(
            module, contract, SigningKey.load(data.resolve("keys/publisher-private.json")));
    return chassis.send(
        "POST",
        "/v1/tools",
        token("publisher"),
        Map.of(),
        ChassisServiceRig.registration(module, jws));
  }

  /** A token with {@code role} confined to {@code tenant}, as its operator would mint it. */
  String tenantToken(String role, String tenant) {
    return TokenMinter.load(data.resolve("keys/signing-private.json"))
        .mint(LocalKeys.spec("local-" + role, role).withScope(tenant), Clock.systemUTC().instant());
  }

  /** An agent {@code subject} of tenant {@code scope} whose token grants {@code tools}. */
  String agent(String subject, String scope, String... tools) {
    return operatorKey()
        .mint(
            LocalKeys.spec(subject, "agent")
                .withScope(scope)
                .withListClaim("tools", List.of(tools)),
            Clock.systemUTC().instant());
  }

  /** Gives {@code tenant} a daily budget of 5 USD, as its admin would. */
  void budget(String tenant) {
    HttpResponse<String> budget =
        governor.send(
            "PUT",
            "/v1/budgets/" + tenant,
            tenantToken("admin", tenant),
            Map.of(),
            "{\"limits\":{\"day\":{\"cap_micros\":5000000}}}");
    assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
  }

  /**
   * Registers the governor agent {@code id} of {@code tenant}, able to {@code summarize} with
   * {@code model}, under a contract the local operator key signs.
   */
  void registerAgent(String id, String tenant, String model) {
    AgentContract contract =
        new AgentContract(
            id,
            tenant,
            CapabilitySet.of(Map.of("summarize", 1)),
            model,
            1_000,
            1,
            Duration.ofSeconds(10),
            1);
    String signed =
        operatorKey()
            .mint(
                contract.toTokenSpec(LocalKeys.ISSUER, Duration.ofDays(1)),
                Clock.systemUTC().instant());
    HttpResponse<String> registered =
        governor.send(
            "POST",
            "/v1/agents",
            tenantToken("admin", tenant),
            Map.of(),
            new JsonObject().put("contract", signed).encode());
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  /**
   * Claims the task {@code taskId} on {@code scope} (needing {@code summarize}) as a dispatcher of
   * the scope's tenant, asking for {@code grant}; the claim's answer, with its lease and grant.
   */
  JsonObject claim(String taskId, String scope, JsonObject grant) {
    JsonObject task =
        new JsonObject()
            .put("task_id", taskId)
            .put("scope", scope)
            .put("required", new JsonArray().add("summarize:1"))
            .put("max_cost_micros", 100_000)
            .put("grant", grant);
    HttpResponse<String> claimed =
        governor.send(
            "POST",
            "/v1/claims",
            dispatcher(scope),
            Map.of("Idempotency-Key", taskId),
            task.encode());
    assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(201);
    return new JsonObject(claimed.body());
  }

  /** Ends {@code claim}'s lease with {@code outcome}, reported by its tenant's dispatcher. */
  HttpResponse<String> finish(JsonObject claim, String outcome) {
    String lease = claim.getString("lease_id");
    return governor.send(
        "POST",
        "/v1/leases/" + java.net.URLEncoder.encode(lease, StandardCharsets.UTF_8) + "/finish",
        dispatcher(lease),
        Map.of("Idempotency-Key", "finish-" + lease.replaceAll("[^A-Za-z0-9]", "-")),
        new JsonObject()
            .put("agent_id", claim.getString("agent_id"))
            .put("outcome", outcome)
            .encode());
  }

  private String dispatcher(String scopeOrLease) {
    String tenant = scopeOrLease.split("/", 2)[0];
    return operatorKey()
        .mint(
            LocalKeys.spec("dispatcher-1", "dispatcher").withScope(tenant),
            Clock.systemUTC().instant());
  }

  private TokenMinter operatorKey() {
    return TokenMinter.load(data.resolve("keys/signing-private.json"));
  }

  /** {@code endpoint} as a {@code REDIS_URL}, user and password included. */
  static String redisUrl(RedisEndpoint endpoint) {
    return "redis://"
        + (endpoint.user() == null
            ? ""
            : URLEncoder.encode(endpoint.user(), StandardCharsets.UTF_8))
        + ":"
        + URLEncoder.encode(endpoint.password(), StandardCharsets.UTF_8)
        + "@"
        + endpoint.host()
        + ":"
        + endpoint.port();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    node.stop();
  }
}
