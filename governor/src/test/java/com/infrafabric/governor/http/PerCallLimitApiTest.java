package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.budget.CallLimits;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.wire.reservation.ReservationWire;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No single request may come near the counters' bound: every amount and token count a caller
 * reports over REST is at most what one call may take ({@link CallLimits#DEFAULTS}), refused with
 * 422 {@code INVALID_AMOUNT} otherwise, before anything is written.
 */
@Timeout(120)
class PerCallLimitApiTest {

  private static final long MAX_MICROS = CallLimits.DEFAULTS.maxMicros();
  private static final long MAX_TOKENS = CallLimits.DEFAULTS.maxTokens();

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  /** The adversarial tester's repro: one charge in gw9/x used to lock gw9/y out for good. */
  @Test
  void aSubScopesHugeChargeIsRefusedAndItsSiblingStillCharges() {
    String t = GovernorRig.freshTenant("gw9");
    rig.budget(t, "day", 5_000_000);
    rig.budget(t + "/x", "day", 1_000);

    HttpResponse<String> refused =
        rig.post("/v1/charges", rig.agent(t + "/x"), amount(t + "/x", Money.MAX_MICROS - 1));

    assertInvalid(refused, "amount_micros", MAX_MICROS, "budget.maxCallMicros");
    assertThat(rig.operations(t)).isEmpty();
    assertThat(rig.post("/v1/charges", rig.agent(t + "/y"), amount(t + "/y", 2)).statusCode())
        .isEqualTo(201);
  }

  @Test
  void aCommitOfAHugeActualIsRefusedAndLeavesTheReservationActive() {
    String t = GovernorRig.freshTenant("commit");
    rig.budget(t, "lifetime", Money.MAX_MICROS);
    String agent = rig.agent(t);
    String rid =
        json(rig.post("/v1/reservations", agent, amount(t, 5)))
            .getString(ReservationWire.RESERVATION_ID);

    HttpResponse<String> refused = commit(agent, rid, tokens("gpt-test", 0, 0, 1_000_000_000L));

    assertInvalid(refused, "output_tokens", MAX_TOKENS, "budget.maxCallTokens");
    assertThat(rig.operations(t)).hasSize(1);
    assertThat(commit(agent, rid, amount(null, 5)).statusCode()).isEqualTo(200);
  }

  @Test
  void amountsAtTheLimitAreTakenAndOneMoreIsRefusedOnEveryPath() {
    String t = GovernorRig.freshTenant("amount");
    rig.budget(t, "lifetime", Money.MAX_MICROS);
    String agent = rig.agent(t);

    assertThat(rig.post("/v1/reservations", agent, amount(t, MAX_MICROS)).statusCode())
        .isEqualTo(201);
    assertThat(rig.post("/v1/charges", agent, amount(t, MAX_MICROS)).statusCode()).isEqualTo(201);
    String rid =
        json(rig.post("/v1/reservations", agent, amount(t, 1)))
            .getString(ReservationWire.RESERVATION_ID);
    assertThat(commit(agent, rid, amount(null, MAX_MICROS)).statusCode()).isEqualTo(200);
    int recorded = rig.operations(t).size();

    assertInvalid(
        rig.post("/v1/reservations", agent, amount(t, MAX_MICROS + 1)),
        "amount_micros",
        MAX_MICROS,
        "budget.maxCallMicros");
    assertInvalid(
        rig.post("/v1/charges", agent, amount(t, MAX_MICROS + 1)),
        "amount_micros",
        MAX_MICROS,
        "budget.maxCallMicros");
    String another =
        json(rig.post("/v1/reservations", agent, amount(t, 1)))
            .getString(ReservationWire.RESERVATION_ID);
    assertInvalid(
        commit(agent, another, amount(null, MAX_MICROS + 1)),
        "amount_micros",
        MAX_MICROS,
        "budget.maxCallMicros");
    assertThat(rig.operations(t)).hasSize(recorded + 1);
  }

  @Test
  void tokenCountsAtTheLimitAreTakenAndOneMoreIsRefusedOnEveryPath() {
    String t = GovernorRig.freshTenant("tokens");
    rig.budget(t, "lifetime", Money.MAX_MICROS);
    String agent = rig.agent(t);
    List<String> actualFields = List.of("input_tokens", "cached_input_tokens", "output_tokens");

    for (String field : List.of("input_tokens", "max_output_tokens")) {
      assertThat(rig.post("/v1/reservations", agent, estimate(t, field, MAX_TOKENS)).statusCode())
          .as(field)
          .isEqualTo(201);
      assertInvalid(
          rig.post("/v1/reservations", agent, estimate(t, field, MAX_TOKENS + 1)),
          field,
          MAX_TOKENS,
          "budget.maxCallTokens");
    }
    for (String field : actualFields) {
      assertThat(rig.post("/v1/charges", agent, actual(t, field, MAX_TOKENS)).statusCode())
          .as(field)
          .isEqualTo(201);
      assertInvalid(
          rig.post("/v1/charges", agent, actual(t, field, MAX_TOKENS + 1)),
          field,
          MAX_TOKENS,
          "budget.maxCallTokens");
      String rid =
          json(rig.post("/v1/reservations", agent, amount(t, 1)))
              .getString(ReservationWire.RESERVATION_ID);
      assertInvalid(
          commit(agent, rid, actual(null, field, MAX_TOKENS + 1)),
          field,
          MAX_TOKENS,
          "budget.maxCallTokens");
      assertThat(commit(agent, rid, actual(null, field, MAX_TOKENS)).statusCode())
          .as(field)
          .isEqualTo(200);
    }
  }

  /** gpt-test's output is 10 micro-dollars a token: 10^8 tokens cost exactly the limit. */
  @Test
  void tokensPricedAboveTheLimitAreRefusedAsTheirCost() {
    String t = GovernorRig.freshTenant("cost");
    rig.budget(t, "lifetime", Money.MAX_MICROS);
    String agent = rig.agent(t);

    assertThat(
            rig.post("/v1/charges", agent, tokens("gpt-test", 0, 0, MAX_TOKENS).put("scope", t))
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> refused =
        rig.post("/v1/charges", agent, tokens("gpt-test", 1, 0, MAX_TOKENS).put("scope", t));

    assertInvalid(refused, "cost", MAX_MICROS, "budget.maxCallMicros");
    assertThat(rig.operations(t)).hasSize(1);
  }

  private static void assertInvalid(
      HttpResponse<String> response, String field, long max, String setting) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    JsonObject error = json(response);
    assertThat(error.getString("code")).isEqualTo("INVALID_AMOUNT");
    assertThat(error.getString("message")).contains(field, Long.toString(max), setting);
    JsonObject details = error.getJsonObject("details");
    assertThat(details.getString("field")).isEqualTo(field);
    assertThat(details.getLong("max")).isEqualTo(max);
    assertThat(details.getString("setting")).isEqualTo(setting);
  }

  private static HttpResponse<String> commit(String agent, String rid, JsonObject body) {
    return rig.post(ReservationWire.commitPath(rid), agent, body);
  }

  private static JsonObject amount(String scope, long micros) {
    JsonObject body = new JsonObject().put("amount_micros", micros);
    return scope == null ? body : body.put("scope", scope);
  }

  private static JsonObject estimate(String scope, String field, long count) {
    return new JsonObject()
        .put("scope", scope)
        .put("model", "mini-test")
        .put("input_tokens", 0)
        .put("max_output_tokens", 0)
        .put(field, count);
  }

  private static JsonObject actual(String scope, String field, long count) {
    JsonObject body =
        new JsonObject()
            .put("model", "mini-test")
            .put("input_tokens", 0)
            .put("output_tokens", 0)
            .put(field, count);
    return scope == null ? body : body.put("scope", scope);
  }

  private static JsonObject tokens(String model, long input, long cached, long output) {
    return new JsonObject()
        .put("model", model)
        .put("input_tokens", input)
        .put("cached_input_tokens", cached)
        .put("output_tokens", output);
  }
}
