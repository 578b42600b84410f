package com.infrafabric.chassis.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.infrafabric.chassis.testing.ChassisServiceRig;
import com.infrafabric.chassis.testing.Contracts;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.RouteFuzzer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the body (and path, caller and headers) of every chassis route from its OpenAPI schema: no
 * 5xx, only documented statuses, nothing written on a refusal, the service ready after every input.
 * {@code mvn verify} replays the committed corpus in {@code ChassisBodyFuzzTestInputs}; {@code
 * JAZZER_FUZZ=1} fuzzes for longer (see the README).
 */
class ChassisBodyFuzzTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  private static final String TENANT = "fz";
  private static ChassisServiceRig rig;
  private static RouteFuzzer fuzzer;

  @BeforeAll
  static void start() throws IOException {
    rig =
        new ChassisServiceRig(
            REDIS.endpoint(),
            Files.createTempDirectory("chassis-fuzz-"),
            Map.of("chassis.module.maxModuleBytes", "65536"));
    byte[] echo = Guests.wat(Guests.ECHO);
    if (rig.register(echo, Contracts.forModule("echo", echo)).statusCode() != 201) {
      throw new IllegalStateException("the echo tool did not register");
    }
    JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.operator()).body());
    fuzzer =
        new RouteFuzzer(
            document, rig.service.routes(), rig.service.port(), rig.redis, new Callers());
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @FuzzTest(maxDuration = "2m")
  void everyRouteAnswersHostileInputWithADocumented4xx(FuzzedDataProvider data) {
    fuzzer.fuzzOne(data);
  }

  private static final class Callers implements RouteFuzzer.Callers {

    @Override
    public String token(String role, boolean tenant, FuzzedDataProvider data) {
      if (tenant && role.equals(ChassisApi.AGENT)) {
        return data.consumeInt(0, 7) == 0 ? rig.agent(TENANT) : rig.agent(TENANT, "echo");
      }
      var spec = rig.tokens.spec("fuzz-" + role, role);
      return rig.tokens.mint(tenant ? spec.withScope(TENANT) : spec);
    }

    @Override
    public String readinessToken() {
      return rig.operator();
    }

    @Override
    public String pathValue(String name, FuzzedDataProvider data) {
      List<String> values =
          switch (name) {
            case "name" -> List.of("echo", "missing", "Bad.Name", "..");
            case "version" -> List.of("1.0.0", "9.9.9", "..");
            default -> List.of("x");
          };
      return values.get(data.consumeInt(0, values.size() - 1));
    }

    @Override
    public boolean refusalMayWrite(int status, String key) {
      return false;
    }
  }
}
