package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The review's probe over REST: an agent confined to {@code t/q} charging 3 µ$ on {@code
 * t/q/r1/r2/leafxyz}, which would create counters for three new scopes that no budget pays for.
 * Once the tenant holds counters for {@code budget.maxScopes} scopes it is 422 {@code SCOPE_LIMIT},
 * and nothing is recorded.
 */
@Timeout(120)
class ScopeLimitApiTest {

  private static final long MAX_SCOPES = BudgetSettings.DEFAULTS.maxScopes();

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Test
  void aChargeNamingFreshSubScopesBeyondTheLimitIs422AndRecordsNothing() {
    String t = GovernorRig.freshTenant("scopes");
    rig.budget(t, "lifetime", 1_000_000);
    String agent = rig.agent(t + "/q");
    assertThat(charge(agent, t + "/q", 3).statusCode()).isEqualTo(201);
    fillScopes(t, MAX_SCOPES - 2);

    HttpResponse<String> refused = charge(agent, t + "/q/r1/r2/leafxyz", 3);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    JsonObject error = json(refused);
    assertThat(error.getString("code")).isEqualTo("SCOPE_LIMIT");
    assertThat(error.getString("message")).contains("budget.maxScopes", "nothing was recorded");
    assertThat(error.getJsonObject("details").getString("scope")).isEqualTo(t + "/q/r1");
    assertThat(error.getJsonObject("details").getLong("max")).isEqualTo(MAX_SCOPES);
    assertThat(exists(keys(t).usage(Scope.parse(t + "/q/r1")))).isFalse();
    assertThat(send(Request.cmd(Command.SCARD).arg(keys(t).scopes()))).isEqualTo(MAX_SCOPES);
    assertThat(send(Request.cmd(Command.XLEN).arg(keys(t).ledger())))
        .as("the budget put and the one charge recorded")
        .isEqualTo(2);

    assertThat(charge(agent, t + "/q", 3).statusCode()).isEqualTo(201);
  }

  /** Adds {@code count} scopes to the tenant's set, as that many earlier spends would have. */
  private static void fillScopes(String tenant, long count) {
    Request add = Request.cmd(Command.SADD).arg(keys(tenant).scopes());
    for (long i = 0; i < count; i++) {
      add.arg(tenant + "/seeded" + i);
    }
    Await.result(rig.redis.send(add));
  }

  private static HttpResponse<String> charge(String token, String scope, long amount) {
    return rig.post(
        "/v1/charges", token, new JsonObject().put("scope", scope).put("amount_micros", amount));
  }

  private static TenantKeyNames keys(String tenant) {
    return TenantKeyNames.of(tenant);
  }

  private static boolean exists(String key) {
    return send(Request.cmd(Command.EXISTS).arg(key)) == 1;
  }

  private static long send(Request request) {
    return Await.result(rig.redis.send(request)).toLong();
  }
}
