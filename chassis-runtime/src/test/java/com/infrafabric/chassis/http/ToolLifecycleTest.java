package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.hostapi.contract.ModuleDigest;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A publisher registers the C word-count example, agents invoke it, an operator deletes it. */
@Timeout(120)
class ToolLifecycleTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static ChassisServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new ChassisServiceRig(REDIS.endpoint(), directory, Map.of());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static Contracts wordCount(byte[] module) {
    return Contracts.forModule("word-count", module).grant("log").grantKv(1024, 10);
  }

  @Test
  void registerListGetInvokeAndDelete() {
    byte[] module = Guests.fixture("examples/c/word_count.wasm");
    HttpResponse<String> registered = rig.register(module, wordCount(module));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    assertThat(registered.headers().firstValue("Location")).hasValue("/v1/tools/word-count/1.0.0");
    JsonObject tool = json(registered);
    assertThat(tool.getString("ref")).isEqualTo("word-count@1.0.0");
    assertThat(tool.getString("digest")).isEqualTo(ModuleDigest.of(module).toString());
    assertThat(tool.getInteger("module_bytes")).isEqualTo(module.length);
    assertThat(tool.getString("publisher_key_id")).isEqualTo("test-publisher");
    assertThat(tool.getJsonObject("contract").getJsonArray("capabilities"))
        .containsExactlyInAnyOrder("io", "log", "kv");
    assertThat(tool.getJsonObject("contract").getJsonObject("limits").getInteger("timeout_ms"))
        .isEqualTo(2000);
    assertThat(tool.fieldNames()).doesNotContain("module", "module_base64");

    assertThat(json(rig.http.get("/v1/tools", rig.operator())).getJsonArray("tools"))
        .contains(tool);
    assertThat(json(rig.http.get("/v1/tools/word-count/1.0.0", rig.publisher()))).isEqualTo(tool);

    String acme = rig.agent("acme", "word-count@1.0.0");
    assertInvocation(rig.invoke(acme, "word-count", "1.0.0", "one two three"), 3, 3);
    assertInvocation(rig.invoke(acme, "word-count", "1.0.0", "four five"), 2, 5);
    String globex = rig.agent("globex/search", "word-count");
    assertInvocation(rig.invoke(globex, "word-count", "1.0.0", "six"), 1, 1);

    HttpResponse<String> deleted =
        rig.http.send("DELETE", "/v1/tools/word-count/1.0.0", rig.operator(), Map.of());
    assertThat(deleted.statusCode()).isEqualTo(204);
    HttpResponse<String> gone = rig.http.get("/v1/tools/word-count/1.0.0", rig.operator());
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).getString("code")).isEqualTo("TOOL_NOT_FOUND");
    assertThat(
            rig.http
                .send("DELETE", "/v1/tools/word-count/1.0.0", rig.operator(), Map.of())
                .statusCode())
        .isEqualTo(404);
    assertThat(json(rig.http.get("/v1/tools", rig.operator())).getJsonArray("tools"))
        .doesNotContain(tool);
  }

  private static void assertInvocation(HttpResponse<String> response, int words, int total) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject body = json(response);
    assertThat(body.getString("outcome")).isEqualTo("SUCCESS");
    assertThat(body.getJsonObject("output"))
        .isEqualTo(new JsonObject().put("words", words).put("total", total));
    assertThat(body.getString("message")).isEmpty();
    assertThat(body.getString("invocation_id")).matches("[0-9a-f-]{36}");
    assertThat(body.fieldNames()).doesNotContain("code", "output_text");
    JsonObject report = body.getJsonObject("report");
    assertThat(report.getLong("duration_us")).isPositive();
    assertThat(report.getLong("cpu_time_us")).isPositive();
    assertThat(report.getInteger("peak_memory_pages")).isPositive();
    assertThat(report.getInteger("host_calls")).isGreaterThanOrEqualTo(4);
    assertThat(report.getLong("bytes_in")).isPositive();
    assertThat(report.getLong("bytes_out"))
        .isEqualTo(body.getJsonObject("output").encode().length());
    assertThat(body.getJsonArray("logs")).isEmpty();
  }

  @Test
  void aFailedInvocationCarriesItsLogsOutputTextAndTheErrorShape() {
    byte[] module = Guests.fixture("examples/c/word_count.wasm");
    Contracts contract =
        Contracts.forModule("word-count-small", module)
            .grant("log")
            .grantKv(1024, 10)
            .limit("memory", "maxPages", 8);
    assertThat(rig.register(module, contract).statusCode()).isEqualTo(201);
    String agent = rig.agent("acme", "word-count-small@1.0.0");

    HttpResponse<String> response =
        rig.invoke(agent, "word-count-small", "1.0.0", "w ".repeat(9000));

    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject body = json(response);
    assertThat(body.getString("outcome")).isEqualTo("TOOL_ERROR");
    assertThat(body.getString("code")).isEqualTo("TOOL_ERROR");
    assertThat(body.getString("message")).isEqualTo("the tool returned status 1");
    assertThat(body.getValue("output")).isNull();
    assertThat(body.getString("output_text")).isEmpty();
    assertThat(body.getJsonObject("details").getString("requestId")).isNotBlank();
    assertThat(body.getJsonArray("logs"))
        .containsExactly(
            new JsonObject().put("level", "error").put("message", "input larger than 16 KiB"));
  }

  @Test
  void anIdenticalRegistrationIsANoOpAndAnotherContractForTheVersionAConflict() {
    byte[] module = Guests.wat(Guests.ECHO);
    String body =
        ChassisServiceRig.registration(
            module, Contracts.forModule("echo-twice", module).signedBy(TestChassis.PUBLISHER));
    String first = json(register(body)).getString("registered_at");
    HttpResponse<String> again = register(body);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(json(again).getString("registered_at")).isEqualTo(first);

    HttpResponse<String> other =
        rig.register(
            module, Contracts.forModule("echo-twice", module).limit("memory", "maxPages", 2));
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(json(other).getString("code")).isEqualTo("TOOL_VERSION_CONFLICT");
  }

  private static HttpResponse<String> register(String body) {
    return rig.http.send("POST", "/v1/tools", rig.publisher(), Map.of(), body);
  }

  @Test
  void inputOfAnyJsonTypeReachesTheToolAsSent() {
    byte[] module = Guests.wat(Guests.ECHO);
    assertThat(rig.register(module, Contracts.forModule("echo-any", module)).statusCode())
        .isEqualTo(201);
    String agent = rig.agent("acme", "echo-any");
    for (Object input :
        new Object[] {
          "text", 42, 1.5, true, new JsonArray().add(1).add("a"), new JsonObject().put("k", "v")
        }) {
      JsonObject body = json(rig.invoke(agent, "echo-any", "1.0.0", input));
      assertThat(body.getValue("output")).as(String.valueOf(input)).isEqualTo(input);
    }
  }

  @Test
  void theMetricsCountInvocationsByToolAndOutcome() {
    byte[] module = Guests.wat(Guests.ECHO);
    assertThat(rig.register(module, Contracts.forModule("echo-metered", module)).statusCode())
        .isEqualTo(201);
    rig.invoke(rig.agent("acme", "echo-metered"), "echo-metered", "1.0.0", 1);

    String scrape = rig.http.get("/metrics", rig.operator()).body();

    assertThat(scrape)
        .contains("chassis_invocations_total{outcome=\"SUCCESS\",tool=\"echo-metered@1.0.0\"}")
        .contains("chassis_invocation_duration_seconds_bucket")
        .contains("chassis_invocation_cpu_seconds_bucket")
        .contains("chassis_admission_queued")
        .contains("http_server_requests_seconds_count")
        .contains("tool=\"echo-metered@1.0.0\"");
  }
}
