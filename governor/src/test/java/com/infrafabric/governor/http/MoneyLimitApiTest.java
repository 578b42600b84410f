package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters' bound over REST, as the review tried it: amounts at and past 2^53 - 1, a 2^63 - 1
 * charge, sums of many large charges. Refused amounts are 4xx, a charge that would pass the bound
 * is 409 {@code COUNTER_LIMIT}, and reconciliation is exact after every step.
 */
@Timeout(120)
class MoneyLimitApiTest {

  private static final long MAX = Money.MAX_MICROS;

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = new GovernorServiceRig(REDIS.endpoint(), directory, WebhookSettings.NONE);
  }

  @AfterAll
  static void stop() {
    rig.close();
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
    assertThat(ledger(t)).isEmpty();
    assertConsistent(t);
  }

  @Test
  void aChargeOfTheMaximumIsRecordedAndOneMoreMicroDollarIsRefused() {
    String t = GovernorRig.freshTenant("max");
    rig.budget(t, "lifetime", MAX);
    String agent = rig.agent(t);

    assertThat(charge(agent, t, MAX).statusCode()).isEqualTo(201);
    assertConsistent(t);
    HttpResponse<String> refused = charge(agent, t, 1);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    JsonObject error = json(refused);
    assertThat(error.getString("code")).isEqualTo("COUNTER_LIMIT");
    assertThat(error.getString("message"))
        .contains(t, "lifetime", "spent_micros", Long.toString(MAX), "nothing was recorded");
    assertThat(error.getJsonObject("details").getMap())
        .containsEntry("scope", t)
        .containsEntry("window", "lifetime")
        .containsEntry("counter", "spent_micros")
        .containsEntry("max", MAX);
    assertThat(ledger(t)).hasSize(1);
    assertThat(spent(t, "lifetime")).isEqualTo(MAX);
    assertConsistent(t);
  }

  @Test
  void manyLargeChargesStopAtTheMaximumAndReconcileExactlyAfterEach() {
    String t = GovernorRig.freshTenant("sum");
    rig.budget(t + "/a", "month", MAX);
    String agent = rig.agent(t);
    long large = 1L << 50;

    for (int i = 0; i < 7; i++) {
      assertThat(charge(agent, t + "/a", large).statusCode()).isEqualTo(201);
      assertConsistent(t);
    }
    assertThat(json(charge(agent, t + "/a", large)).getString("code")).isEqualTo("COUNTER_LIMIT");
    assertThat(charge(agent, t + "/a", large - 1).statusCode()).isEqualTo(201);

    assertThat(spent(t, "lifetime")).isEqualTo(MAX);
    assertThat(json(charge(agent, t + "/a", 1)).getString("code")).isEqualTo("COUNTER_LIMIT");
    assertThat(ledger(t)).hasSize(8);
    assertConsistent(t);
  }

  @Test
  void aReservationPastTheMaximumIsRefusedWithoutHoldingAnything() {
    String t = GovernorRig.freshTenant("hold");
    rig.budget(t + "/a", "lifetime", MAX);
    rig.budget(t + "/b", "lifetime", MAX);
    String agent = rig.agent(t);
    assertThat(reserve(agent, t + "/a", MAX).statusCode()).isEqualTo(201);

    HttpResponse<String> refused = reserve(agent, t + "/b", 1);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
    assertThat(json(refused).getJsonObject("details").getString("scope")).isEqualTo(t);
    assertThat(ledger(t)).hasSize(1);
    assertConsistent(t);
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

  private static List<Object> ledger(String tenant) {
    return json(rig.call("GET", "/v1/ledger/" + tenant, rig.auditor(tenant), null))
        .getJsonArray("entries")
        .getList();
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
