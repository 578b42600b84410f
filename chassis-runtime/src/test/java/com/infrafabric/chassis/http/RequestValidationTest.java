package com.infrafabric.chassis.http;

import static com.infrafabric.chassis.testing.ChassisServiceRig.json;
import static com.infrafabric.chassis.testing.ChassisServiceRig.registration;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static java.util.Collections.nCopies;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.Publisher;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.chassis.testing.WasmBinary;
import com.infrafabric.platform.testing.RawConnection;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests get a clear error with a stable code and register nothing: bodies and modules over
 * their limits, malformed JSON and base64, modules and contracts the chassis refuses.
 */
@Timeout(120)
class RequestValidationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  /** 4 KiB modules: the derived body limit is then 4 * 4096 / 3 + 64 KiB = 71,000 bytes. */
  private static final int MODULE_CAP = 4096;

  private static ChassisServiceRig rig;
  private static byte[] echo;

  @BeforeAll
  static void start() {
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            directory,
            Map.of(
                "chassis.module.maxModuleBytes", Integer.toString(MODULE_CAP),
                "chassis.module.maxBranchTargetsPerFunction", "1000",
                "chassis.http.maxInputBytes", "256",
                "chassis.caps.memoryMaxPages", "16"));
    echo = Guests.wat(Guests.ECHO);
    assertThat(rig.register(echo, Contracts.forModule("echo", echo)).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    JsonObject tools = json(rig.http.get("/v1/tools", rig.operator()));
    rig.close();
    assertThat(tools.getJsonArray("tools")).as("no bad request may register a tool").hasSize(1);
  }

  private static HttpResponse<String> register(String body) {
    return rig.http.send("POST", "/v1/tools", rig.publisher(), Map.of(), body);
  }

  @Test
  void aBodyOverTheLimitDerivedFromTheModuleCapIs413() {
    byte[] huge = new byte[80_000];
    assertError(
        register(registration(huge, "x")), 413, "PAYLOAD_TOO_LARGE", "limit of 71000 bytes");
  }

  @Test
  void aModuleOverTheModuleCapThatFitsTheBodyIs413ModuleTooLarge() {
    byte[] big = new byte[MODULE_CAP + 1];
    System.arraycopy(echo, 0, big, 0, echo.length);
    String jws = Contracts.forModule("big", big).signedBy(TestChassis.PUBLISHER);
    assertError(register(registration(big, jws)), 413, "MODULE_TOO_LARGE", "4096");
  }

  @Test
  void malformedBodiesAre400NamingTheField() {
    assertError(register("{\"module_base64\": "), 400, "MALFORMED_REQUEST", "not valid JSON");
    assertError(register("[1]"), 400, "MALFORMED_REQUEST", "JSON object");
    assertError(
        register("{\"contract\":\"x\"}"), 400, "INVALID_REQUEST", "module_base64 is required");
    assertError(
        register("{\"module_base64\":\"AA==\",\"contract\":\"x\",\"name\":\"evil\"}"),
        400,
        "INVALID_REQUEST",
        "name is not a known field (allowed: contract, module_base64)");
    JsonObject error =
        assertError(
            register("{\"module_base64\":\"not base64!\",\"contract\":\"x\"}"),
            400,
            "INVALID_REQUEST",
            "module_base64 is not base64");
    assertThat(error.getJsonObject("details").getString("field")).isEqualTo("module_base64");
    assertError(
        rig.http.post("/v1/tools", rig.publisher(), "text/plain", "{}"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "application/json");
  }

  @Test
  void modulesAndContractsTheChassisRefusesKeepTheirCodes() {
    String echoJws = Contracts.forModule("other", echo).signedBy(TestChassis.PUBLISHER);
    byte[] notWasm = "definitely not wasm".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertError(
        register(
            registration(
                notWasm, Contracts.forModule("junk", notWasm).signedBy(TestChassis.PUBLISHER))),
        400,
        "MALFORMED_MODULE",
        "");
    assertError(
        register(registration(echo, Contracts.forModule("unsigned", echo).json())),
        400,
        "INVALID_CONTRACT",
        "not signed");
    Publisher stranger = Publisher.generate("stranger");
    assertError(
        register(registration(echo, Contracts.forModule("stranger", echo).signedBy(stranger))),
        403,
        "UNTRUSTED_PUBLISHER",
        "unknown key stranger");
    byte[] wordCount = Guests.fixture("examples/c/word_count.wasm");
    assertError(
        register(registration(wordCount, echoJws)), 400, "INVALID_CONTRACT", "does not match");
    assertError(
        register(
            registration(
                echo,
                Contracts.forModule("greedy", echo)
                    .limit("memory", "maxPages", 17)
                    .signedBy(TestChassis.PUBLISHER))),
        422,
        "LIMIT_ABOVE_CAP",
        "memory.maxPages 17 exceeds the operator cap of 16");
    assertError(
        register(
            registration(
                echo,
                Contracts.forModule("mute", echo)
                    .withoutCapabilities()
                    .signedBy(TestChassis.PUBLISHER))),
        422,
        "UNLINKABLE_IMPORT",
        "");
    assertThat(rig.http.get("/metrics", rig.operator()).body())
        .as("an import the contract does not grant is a security signal")
        .containsPattern("chassis_capability_denied_total\\{capability=\"import\",[^}]*} [1-9]");
  }

  @Test
  void regressionModulesTooWideToCompileAre422NotCompilableNotInternal() {
    // A function returning 128 i64 values passed every check, then the compiler threw: 500.
    assertNotCompilable(List.of(), nCopies(128, "i64"), "128 results taking 256 JVM slots");
    assertNotCompilable(nCopies(255, "i64"), List.of(), "255 parameters taking 510 JVM slots");
    List<String> mixed = new ArrayList<>(nCopies(200, "i32"));
    mixed.addAll(nCopies(28, "f64"));
    assertNotCompilable(List.of("i32"), mixed, "228 results taking 256 JVM slots");
  }

  private static void assertNotCompilable(
      List<String> parameters, List<String> results, String reason) {
    byte[] wide = Guests.calling(parameters, results);
    String jws = Contracts.forModule("wide", wide).signedBy(TestChassis.PUBLISHER);
    assertError(register(registration(wide, jws)), 422, "MODULE_NOT_COMPILABLE", reason);
  }

  @Test
  void regressionABrTableOverTheBranchCapIs413BeforeItIsCompiled() {
    // One br_table of a million targets kept the only build thread busy for 4.5 minutes.
    byte[] branchy = WasmBinary.brTable(1000);
    String jws = Contracts.forModule("branchy", branchy).signedBy(TestChassis.PUBLISHER);
    assertError(
        register(registration(branchy, jws)),
        413,
        "MODULE_TOO_LARGE",
        "function body 0 branches to 1001 labels or more, above the cap of 1000 per function");
    assertThat(rig.http.get("/v1/tools/branchy/1.0.0", rig.operator()).statusCode()).isEqualTo(404);
  }

  @Test
  void regressionAModuleThatCouldNeverStartIs422NotInstantiableNotStoredToTrap() {
    // Its data segment ends past its one page: published 201, then every invocation was 502 TRAP.
    byte[] overflowing =
        Guests.wat(
            "(module (memory (export \"memory\") 1) (data (i32.const 65530) \"0123456789\")"
                + " (func (export \"run\") (result i32) (i32.const 0)))");
    String jws = Contracts.forModule("overflowing", overflowing).signedBy(TestChassis.PUBLISHER);
    assertError(
        register(registration(overflowing, jws)),
        422,
        "MODULE_NOT_INSTANTIABLE",
        "data segment 0 fills bytes 65530 to 65540, past the initial memory of 65536 bytes");
    assertThat(rig.http.get("/v1/tools/overflowing/1.0.0", rig.operator()).statusCode())
        .isEqualTo(404);
  }

  /**
   * Regression: every chassis route buffered bodies up to the registration limit (11 MB by default)
   * and the invocation and MCP routes checked their own limit only then; one tenant's slow 11 MB
   * bodies filled the heap. A body announced over its route's limit, here 256 bytes of the 71,000 a
   * registration may have, is now refused before a byte of it is read.
   */
  @Test
  void anInvocationOrMcpBodyAnnouncedOverItsRoutesLimitIs413BeforeItIsRead() {
    String agent = rig.agent("acme", "echo");
    for (String path : List.of("/v1/tools/echo/1.0.0/invocations", "/mcp")) {
      try (RawConnection connection = RawConnection.open(rig.service.port())) {
        connection.send(
            "POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + agent
                + "\r\nContent-Type: application/json\r\nAccept: application/json,"
                + " text/event-stream\r\nContent-Length: 60000\r\n\r\n{\"input\":\"");

        assertThat(connection.statusLine()).as(path).startsWith("HTTP/1.1 413 ");
      }
    }
  }

  @Test
  void invocationBodiesAreCheckedBeforeAnythingRuns() {
    String agent = rig.agent("acme", "echo");
    String path = "/v1/tools/echo/1.0.0/invocations";
    assertError(
        rig.http.send("POST", path, agent, Map.of(), "{\"input\":\"" + "x".repeat(300) + "\"}"),
        413,
        "PAYLOAD_TOO_LARGE",
        "limit of 256 bytes");
    assertError(
        rig.http.send("POST", path, agent, Map.of(), "{}"),
        400,
        "INVALID_REQUEST",
        "input is required");
    assertError(
        rig.http.send("POST", path, agent, Map.of(), "{\"input\":1,\"tenant\":\"globex\"}"),
        400,
        "INVALID_REQUEST",
        "tenant is not a known field");
    assertError(
        rig.http.send("POST", path, agent, Map.of(), "{\"input\":{\"a\":1,\"a\":2}}"),
        400,
        "MALFORMED_REQUEST",
        "");
    assertError(
        rig.http.post(path, agent, "text/plain", "{\"input\":1}"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "");
    assertThat(rig.invoke(agent, "echo", "1.0.0", "fine").statusCode()).isEqualTo(200);
  }

  @Test
  void aToolNameOrVersionOutsideTheContractGrammarIs400AndNotQuoted() {
    // The probe's paths were looked up and answered 403 TOOL_NOT_GRANTED quoting the NUL.
    String agent = rig.agent("acme", "echo");
    for (String path :
        List.of(
            "/v1/tools/echo/1.0.0%00/invocations",
            "/v1/tools/echo/1.0.0%20/invocations",
            "/v1/tools/echo/a%40b/invocations",
            "/v1/tools/Echo/1.0.0/invocations",
            "/v1/tools/echo/" + "1".repeat(300) + "/invocations")) {
      HttpResponse<String> refused = rig.http.send("POST", path, agent, Map.of(), "{\"input\":1}");
      assertError(refused, 400, "INVALID_REQUEST", "is not a");
      assertThat(refused.body()).doesNotContain("\\u0000").doesNotContain("a@b");
    }
    assertError(
        rig.http.get("/v1/tools/echo/1.0.0%20", rig.operator()), 400, "INVALID_REQUEST", "version");
  }

  @Test
  void invokingAToolThatIsNotRegisteredIs404InTheInvocationShape() {
    HttpResponse<String> missing = rig.invoke(rig.agent("acme", "ghost"), "ghost", "1.0.0", 1);
    assertThat(missing.statusCode()).isEqualTo(404);
    JsonObject body = json(missing);
    assertThat(body.getString("outcome")).isEqualTo("TOOL_NOT_FOUND");
    assertThat(body.getString("code")).isEqualTo("TOOL_NOT_FOUND");
    assertThat(body.getString("message")).isEqualTo("no tool ghost@1.0.0 is registered");
  }
}
