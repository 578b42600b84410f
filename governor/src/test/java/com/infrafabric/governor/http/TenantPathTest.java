package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every route with a {@code :tenant} path segment reads it alike (a {@code -} body: none). */
@Timeout(60)
class TenantPathTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    tenant = GovernorRig.freshTenant("path");
  }

  /**
   * Regression: {@code GET /v1/tenants/acme%2Fsearch/cost-waste} answered 200 with acme's figures
   * (the route read the first segment of a scope), while {@code /policy} refused the same path with
   * 400.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = ' ',
      value = {
        "GET /v1/tenants/{t}/cost-waste -",
        "GET /v1/tenants/{t}/policy -",
        "PUT /v1/tenants/{t}/policy {}",
        "PUT /v1/tenants/{t}/zone {\"zone\":\"UTC\"}",
        "GET /v1/agents/{t} -",
        "GET /v1/agents/{t}/a1 -",
        "PUT /v1/agents/{t}/a1/status {\"status\":\"active\"}",
        "DELETE /v1/agents/{t}/a1 -",
        "POST /v1/agents/{t}/a1/breaker-reset -",
        "GET /v1/keys/{t}/k1 -",
        "POST /v1/keys/{t}/k1/rotate -",
        "POST /v1/keys/{t}/k1/expire {}",
        "DELETE /v1/keys/{t}/k1 -",
        "GET /v1/ledger/{t} -",
        "GET /v1/ledger/{t}/reconciliation -",
        "GET /v1/events/{t} -"
      })
  void aTenantSegmentNamingAScopeIsRefusedOnEveryRoute(String method, String path, String body) {
    String caller = rig.tokens.mint(rig.tokens.spec("ops", "admin", "auditor").withScope(tenant));
    String url = path.replace("{t}", tenant + "%2Fsearch");

    HttpResponse<String> refused =
        rig.call(
            method,
            url,
            caller,
            body.equals("-") ? null : new JsonObject(body),
            Map.of("Idempotency-Key", UUID.randomUUID().toString()));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(json(refused).getJsonObject("details").getString("field")).isEqualTo("tenant");
  }
}
