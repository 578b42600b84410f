package com.infrafabric.deploy;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.testing.HttpTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
    int governorPort = freePort();
    int chassisPort = freePort();
    Path config =
        Files.writeString(
            directory.resolve("local.properties"),
            "http.port=" + governorPort + "\nchassis.http.port=" + chassisPort + "\n");
    Path data = directory.resolve("var");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Node node =
        ServeCommand.fromArgs(
                new String[] {"--config", config.toString(), "--data", data.toString()},
                Map.of(),
                Clock.systemUTC())
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
    return TokenMinter.load(data.resolve("keys/signing-private.json"))
        .mint(
            LocalKeys.spec(subject, "agent")
                .withScope(scope)
                .withListClaim("tools", List.of(tools)),
            Clock.systemUTC().instant());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    node.stop();
  }
}
