package com.infrafabric.governor.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RouteFuzzer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the body (and path, caller and headers) of every governor route from its OpenAPI schema:
 * no 5xx, only documented statuses, nothing written on a refusal, the service ready after every
 * input. {@code mvn verify} replays the committed corpus in {@code GovernorBodyFuzzTestInputs};
 * {@code JAZZER_FUZZ=1} fuzzes for longer (see the README).
 */
class GovernorBodyFuzzTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static final String TENANT = "fz";
  private static GovernorServiceRig rig;
  private static RouteFuzzer fuzzer;
  private static String reservation;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    rig.budget(TENANT, "lifetime", 1_000_000_000_000L);
    JsonObject reserved =
        GovernorServiceRig.json(
            rig.post(
                "/v1/reservations",
                rig.agent(TENANT),
                new JsonObject().put("scope", TENANT + "/p").put("amount_micros", 5)));
    reservation = reserved.getString("reservation_id");
    JsonObject document = new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body());
    fuzzer =
        new RouteFuzzer(
            document, rig.service.routes(), rig.service.port(), rig.redis, new Callers());
  }

  @FuzzTest(maxDuration = "2m")
  void everyRouteAnswersHostileInputWithADocumented4xx(FuzzedDataProvider data) {
    fuzzer.fuzzOne(data);
  }

  private static final class Callers implements RouteFuzzer.Callers {

    @Override
    public String token(String role, boolean tenant, FuzzedDataProvider data) {
      var spec = rig.tokens.spec("fuzz-" + role, role);
      if (tenant) {
        spec = spec.withScope(data.consumeInt(0, 7) == 0 ? TENANT + "/p" : TENANT);
      }
      return rig.tokens.mint(spec);
    }

    @Override
    public String readinessToken() {
      return rig.auditor();
    }

    @Override
    public String pathValue(String name, FuzzedDataProvider data) {
      List<String> values =
          switch (name) {
            case "scope" -> List.of(TENANT, TENANT + "%2Fp", TENANT + "%2F..", "other");
            case "tenant" -> List.of(TENANT, "other", "..");
            case "id" -> List.of(reservation, "r-unknown", TENANT + "%2Fr");
            case "lease" -> List.of(TENANT + "%2Ftask%231", TENANT + "%2Ftask%23%2B1", "x");
            case "agent" -> List.of("agent-1", "..");
            default -> List.of("x");
          };
      return values.get(data.consumeInt(0, values.size() - 1));
    }

    /**
     * A budget denial (402) and a refused claim (409) record their own outcome, so a retry gets the
     * same answer and an escalation is reported, and a claim is charged the escalation event it
     * wrote against the tenant's write quota ({@code wq:}); neither ever writes the ledger.
     */
    @Override
    public boolean refusalMayWrite(int status, String key) {
      return (status == 402 || status == 409) && !key.endsWith(":ledger");
    }
  }
}
