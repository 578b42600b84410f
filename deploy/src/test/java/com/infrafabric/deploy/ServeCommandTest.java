package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.Guests;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    try (LocalServe serve = LocalServe.start(directory)) {
      Path data = serve.data;
      assertThat(serve.printed)
          .contains("IF.governor listening on http://127.0.0.1:" + serve.governorPort)
          .contains("IF.chassis listening on http://127.0.0.1:" + serve.chassisPort)
          .contains("contract sign --module TOOL.wasm")
          .contains(data.resolve("keys/publisher-private.json").toString());
      for (String file :
          List.of(
              "tokens/admin.jwt",
              "tokens/auditor.jwt",
              "tokens/publisher.jwt",
              "tokens/operator.jwt",
              "keys/vault-master.json")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))))
            .as(file)
            .isEqualTo("rw-------");
      }

      byte[] module = Guests.fixture("examples/c/word_count.wasm");
      String contract =
          new String(Guests.fixture("examples/c/word_count.contract.json"), StandardCharsets.UTF_8);
      HttpResponse<String> registered = serve.register(module, contract);
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

      HttpResponse<String> invoked =
          serve.chassis.send(
              "POST",
              "/v1/tools/word-count/1.0.0/invocations",
              serve.agent("my-agent", "acme", "word-count@1.0.0"),
              Map.of(),
              "{\"input\":\"hello brave new world\"}");
      assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(200);
      assertThat(new JsonObject(invoked.body()).getJsonObject("output"))
          .isEqualTo(new JsonObject().put("words", 4).put("total", 4));

      assertThat(serve.chassis.get("/metrics", serve.token("operator")).body())
          .contains("chassis_invocations_total");
      assertThat(serve.governor.get("/health/ready", serve.token("admin")).statusCode())
          .isEqualTo(200);
      assertThat(serve.governor.get("/v1/tools", serve.token("admin")).statusCode())
          .as("each service serves its own routes")
          .isEqualTo(404);
    }
  }
}
