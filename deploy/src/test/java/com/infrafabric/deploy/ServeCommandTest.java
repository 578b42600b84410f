package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.publish.ContractSigner;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.auth.SigningKey;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.testing.HttpTestClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's first launch: {@code serve} with no configuration but two free ports starts an
 * embedded Redis, the governor and the chassis, and leaves the keys and tokens needed to publish a
 * tool, mint an agent and invoke the tool, as the README walks through with the word-count example
 * and its contract.
 */
@Timeout(120)
class ServeCommandTest {

  @TempDir Path directory;

  @Test
  void aLocalLaunchServesBothApisAndLeavesWhatItTakesToPublishAndInvokeATool() throws Exception {
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
    try {
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("IF.governor listening on http://127.0.0.1:" + governorPort)
          .contains("IF.chassis listening on http://127.0.0.1:" + chassisPort)
          .contains("contract sign --module TOOL.wasm")
          .contains(data.resolve("keys/publisher-private.json").toString());
      for (String token : List.of("admin", "auditor", "publisher", "operator")) {
        assertThat(
                PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(data.resolve("tokens/" + token + ".jwt"))))
            .isEqualTo("rw-------");
      }

      HttpTestClient chassis = new HttpTestClient(chassisPort);
      byte[] module = Guests.fixture("examples/c/word_count.wasm");
      String contract =
          new String(Guests.fixture("examples/c/word_count.contract.json"), StandardCharsets.UTF_8);
      String jws =
          ContractSigner.sign(
              module, contract, SigningKey.load(data.resolve("keys/publisher-private.json")));
      HttpResponse<String> registered =
          chassis.send(
              "POST",
              "/v1/tools",
              token(data, "publisher"),
              Map.of(),
              ChassisServiceRig.registration(module, jws));
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

      String agent =
          TokenMinter.load(data.resolve("keys/signing-private.json"))
              .mint(
                  LocalKeys.spec("my-agent", "agent")
                      .withScope("acme")
                      .withListClaim("tools", List.of("word-count@1.0.0")),
                  Clock.systemUTC().instant());
      HttpResponse<String> invoked =
          chassis.send(
              "POST",
              "/v1/tools/word-count/1.0.0/invocations",
              agent,
              Map.of(),
              "{\"input\":\"hello brave new world\"}");
      assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(200);
      assertThat(new JsonObject(invoked.body()).getJsonObject("output"))
          .isEqualTo(new JsonObject().put("words", 4).put("total", 4));

      assertThat(chassis.get("/metrics", token(data, "operator")).body())
          .contains("chassis_invocations_total");
      HttpTestClient governor = new HttpTestClient(governorPort);
      assertThat(governor.get("/health/ready", token(data, "admin")).statusCode()).isEqualTo(200);
      assertThat(governor.get("/v1/tools", token(data, "admin")).statusCode())
          .as("each service serves its own routes")
          .isEqualTo(404);
    } finally {
      node.stop();
    }
  }

  private static String token(Path data, String name) throws IOException {
    return Files.readString(data.resolve("tokens/" + name + ".jwt")).strip();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
