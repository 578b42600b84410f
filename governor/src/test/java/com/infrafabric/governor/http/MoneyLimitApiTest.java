package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The counters' bound over REST, as the review tried it: amounts at and past 2^53 - 1, a 2^63 - 1
 * charge. Refused amounts are 4xx; a charge or reservation that would take a counter past the bound
 * is 409 {@code COUNTER_LIMIT}, naming the counter and whether waiting helps.
 */
@Timeout(120)
class MoneyLimitApiTest {

  private static final long MAX = Money.MAX_MICROS;

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Test
  void amountsPastTheMaximumAreRefusedAtTheEdgeAndChargeNothing() {
    String t = GovernorRig.freshTenant("edge");
    rig.budget(t, "lifetime", MAX);
    String agent = rig.agent(t);

    for (String amount :
        List.of(
            Long.toString(MAX + 1),
            Long.toString(MAX + 2),
            Long.toString(Long.MAX_VALUE),
            BigInteger.TWO.pow(63).toString(),
            BigInteger.TWO.pow(64).add(BigInteger.ONE).toString())) {
      for (String path : List.of("/v1/charges", "/v1/reservations")) {
        HttpResponse<String> refused =
            send(path, agent, "{\"scope\":\"" + t + "\",\"amount_micros\":" + amount + "}");
        assertThat(refused.statusCode())
            .as(path + " " + amount + " " + refused.body())
            .isBetween(400, 499);
      }
      HttpResponse<String> cap =
          rig.call(
              "PUT",
              "/v1/budgets/" + t,
              rig.admin(t),
              new JsonObject("{\"limits\":{\"day\":{\"cap_micros\":" + amount + "}}}"));
      assertThat(cap.statusCode()).as("cap " + amount).isBetween(400, 499);
    }
    assertThat(rig.operations(t)).isEmpty();
    assertConsistent(t);
  }

  /**
   * One call takes at most budget.maxCallMicros, so a counter reaches its bound only after millions
   * of calls; the counter is put there directly, as they would leave it.
   */
  @Test
  void aChargeThatWouldPassTheMaximumIsRefusedNamingTheCounterAndThatItIsPermanent() {
    String t = GovernorRig.freshTenant("max");
    rig.budget(t + "/a", "lifetime", MAX);
    String agent = rig.agent(t);
    seedSpent(t, MAX - 1);

    assertThat(charge(agent, t + "/a", 1).statusCode()).isEqualTo(201);
    HttpResponse<String> refused = charge(agent, t + "/a", 1);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonObject error = json(refused);
    assertThat(error.getString("code")).isEqualTo("COUNTER_LIMIT");
    assertThat(error.getString("message"))
        .contains(
            t, "lifetime", "spent_micros", Long.toString(MAX), "nothing was recorded", "no caller");
    JsonObject details = error.getJsonObject("details");
    assertThat(details.getString("scope")).isEqualTo(t);
    assertThat(details.getString("window")).isEqualTo("lifetime");
    assertThat(details.getString("counter")).isEqualTo("spent_micros");
    assertThat(details.getLong("max")).isEqualTo(MAX);
    assertThat(details.getBoolean("permanent")).isTrue();
    assertThat(rig.operations(t)).hasSize(1);
    assertThat(spent(t, "lifetime")).isEqualTo(MAX);
  }

  @Test
  void aReservationPastTheMaximumIsRefusedWithoutHoldingAnything() {
    String t = GovernorRig.freshTenant("hold");
    rig.budget(t + "/b", "lifetime", MAX);
    String agent = rig.agent(t);
    seedSpent(t, MAX);

    HttpResponse<String> refused = reserve(agent, t + "/b", 1);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(json(refused).getJsonObject("details").getString("scope")).isEqualTo(t);
    assertThat(rig.operations(t)).isEmpty();
  }

  /** Sets the lifetime spent counter of {@code scope} as the calls no ledger holds here left it. */
  private static void seedSpent(String scope, long micros) {
    Await.result(
        rig.redis.send(
            Request.cmd(Command.HSET)
                .arg(TenantKeyNames.of(Scope.parse(scope).tenant()).usage(Scope.parse(scope)))
                .arg("life.s")
                .arg(Long.toString(micros))));
  }

  private static HttpResponse<String> charge(String token, String scope, long amount) {
    return rig.post(
        "/v1/charges", token, new JsonObject().put("scope", scope).put("amount_micros", amount));
  }

  private static HttpResponse<String> reserve(String token, String scope, long amount) {
    return rig.post(
        "/v1/reservations",
        token,
        new JsonObject().put("scope", scope).put("amount_micros", amount));
  }

  private static HttpResponse<String> send(String path, String token, String body) {
    return rig.http.send(
        "POST", path, token, Map.of("Idempotency-Key", UUID.randomUUID().toString()), body);
  }

  private static long spent(String tenant, String window) {
    JsonObject status =
        json(rig.call("GET", "/v1/budgets/" + tenant + "/status", rig.auditor(tenant), null));
    return status.getJsonArray("layers").stream()
        .map(JsonObject.class::cast)
        .filter(layer -> layer.getString("scope").equals(tenant))
        .filter(layer -> layer.getString("window").equals(window))
        .findFirst()
        .orElseThrow()
        .getLong("spent_micros");
  }

  private static void assertConsistent(String tenant) {
    JsonObject report =
        json(
            rig.call("GET", "/v1/ledger/" + tenant + "/reconciliation", rig.auditor(tenant), null));
    assertThat(report.getBoolean("consistent")).as(report.encode()).isTrue();
  }
}
