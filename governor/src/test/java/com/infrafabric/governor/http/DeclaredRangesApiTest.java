package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: the ranges a client reads in the OpenAPI document, in a refusal's details and in the
 * README disagreed: {@code ttl_seconds} declared no maximum and a value past a long's milliseconds
 * was refused as "outside -9223372036854775..9223372036854775"; an amount below its range named the
 * counters' bound (2^53 − 1) where one above it named the per-call bound; a reservation of 0 µ$ was
 * declared in range and refused. For every integer property the document bounds in the request
 * bodies of reserve, commit, charge, claim, budget, policy and key, its minimum and maximum are
 * accepted (no refusal names the field) and one past either is refused naming the field, with
 * {@code details.min} and {@code details.max} equal to the declared bounds.
 */
@Timeout(120)
class DeclaredRangesApiTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;
  private static String tenant;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
    tenant = GovernorRig.freshTenant("ranges");
    rig.budget(tenant, "lifetime", 1_000_000_000_000L);
  }

  /** A request body of one schema, and how to send it with one property set to a value. */
  private record Target(
      String schema, String prefix, BiFunction<String, Object, HttpResponse<String>> send) {}

  @TestFactory
  Stream<DynamicTest> everyDeclaredBoundIsTheEnforcedOne() {
    JsonObject schemas =
        new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body())
            .getJsonObject("components")
            .getJsonObject("schemas");
    List<DynamicTest> tests = new ArrayList<>();
    for (Target target : targets()) {
      JsonObject properties = schemas.getJsonObject(target.schema()).getJsonObject("properties");
      for (String property : properties.fieldNames()) {
        JsonObject declared = properties.getJsonObject(property);
        if (!"integer".equals(declared.getValue("type"))
            || !declared.containsKey("minimum")
            || !declared.containsKey("maximum")) {
          continue;
        }
        tests.add(
            DynamicTest.dynamicTest(
                target.schema() + "." + property, () -> checkBounds(target, property, declared)));
      }
    }
    assertThat(tests).hasSizeGreaterThan(20);
    return tests.stream();
  }

  private static void checkBounds(Target target, String property, JsonObject declared) {
    long min = declared.getLong("minimum");
    long max = declared.getLong("maximum");
    String field = target.prefix() + property;
    for (long accepted : List.of(min, max)) {
      HttpResponse<String> answer = target.send().apply(property, accepted);
      assertThat(refusedField(answer))
          .as(field + " " + accepted + ": " + answer.body())
          .isNotEqualTo(field);
    }
    for (Object outside :
        List.of(
            min - 1, BigInteger.valueOf(max).add(BigInteger.ONE), new BigInteger("9".repeat(40)))) {
      HttpResponse<String> answer = target.send().apply(property, outside);
      assertThat(answer.statusCode())
          .as(field + " " + outside + ": " + answer.body())
          .isIn(400, 422);
      JsonObject details = json(answer).getJsonObject("details");
      assertThat(details.getString("field")).as(answer.body()).isEqualTo(field);
      assertThat(details.getLong("min")).as(answer.body()).isEqualTo(min);
      assertThat(details.getLong("max")).as(answer.body()).isEqualTo(max);
    }
  }

  /** The field a 4xx answer refuses, or null. */
  private static String refusedField(HttpResponse<String> answer) {
    if (answer.statusCode() < 400 || answer.statusCode() >= 500) {
      return null;
    }
    JsonObject details = json(answer).getJsonObject("details");
    return details == null ? null : details.getString("field");
  }

  private static List<Target> targets() {
    String agent = rig.agent(tenant);
    String admin = rig.admin(tenant);
    String dispatcher =
        rig.tokens.mint(rig.tokens.spec("dispatcher", "dispatcher").withScope(tenant));
    JsonObject byAmount = new JsonObject().put("scope", tenant).put("amount_micros", 1);
    JsonObject byTokens =
        new JsonObject()
            .put("scope", tenant)
            .put("model", "gpt-test")
            .put("input_tokens", 1)
            .put("max_output_tokens", 1);
    String reservation =
        json(rig.post("/v1/reservations", agent, byAmount)).getString("reservation_id");
    JsonObject usedTokens =
        new JsonObject()
            .put("model", "gpt-test")
            .put("input_tokens", 1)
            .put("cached_input_tokens", 0)
            .put("output_tokens", 1);
    return List.of(
        new Target(
            "ReserveInput",
            "",
            (property, value) ->
                rig.post("/v1/reservations", agent, spend(byAmount, byTokens, property, value))),
        new Target(
            "ChargeInput",
            "",
            (property, value) ->
                rig.post(
                    "/v1/charges",
                    agent,
                    spend(new JsonObject().put("amount_micros", 1), usedTokens, property, value)
                        .put("scope", tenant))),
        new Target(
            "ActualInput",
            "",
            (property, value) ->
                rig.post(
                    "/v1/reservations/" + reservation + "/commit",
                    agent,
                    spend(new JsonObject().put("amount_micros", 1), usedTokens, property, value))),
        new Target(
            "ClaimInput",
            "",
            (property, value) ->
                rig.post(
                    "/v1/claims",
                    dispatcher,
                    new JsonObject()
                        .put("task_id", "t-" + UUID.randomUUID())
                        .put("scope", tenant)
                        .put("required", new JsonArray().add("go"))
                        .put("max_cost_micros", 10)
                        .put(property, value))),
        new Target(
            "Limit",
            "limits.day.",
            (property, value) ->
                rig.call(
                    "PUT",
                    "/v1/budgets/" + encode(tenant + "/limit"),
                    admin,
                    new JsonObject()
                        .put(
                            "limits",
                            new JsonObject()
                                .put(
                                    "day",
                                    new JsonObject().put("cap_micros", 1).put(property, value))))),
        new Target(
            "Policy",
            "",
            (property, value) ->
                rig.call(
                    "PUT",
                    "/v1/tenants/" + tenant + "/policy",
                    admin,
                    new JsonObject().put(property, value))),
        new Target(
            "KeyInput",
            "",
            (property, value) ->
                rig.post(
                    "/v1/keys",
                    admin,
                    new JsonObject()
                        .put("scope", tenant)
                        .put("allowed_models", new JsonArray().add("*"))
                        .put("requests_per_minute", 1)
                        .put("tokens_per_minute", 1)
                        .put(property, value))));
  }

  /**
   * {@code byAmount} when the property is the amount or the TTL, else {@code byTokens}, with the
   * property set: a spend names an amount or tokens, never both.
   */
  private static JsonObject spend(
      JsonObject byAmount, JsonObject byTokens, String property, Object value) {
    boolean amount = property.equals("amount_micros") || property.equals("ttl_seconds");
    return (amount ? byAmount : byTokens).copy().put(property, value);
  }
}
