package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.claim.GrantScope;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.pricing.PricingCatalogue;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error with a stable code, and changes nothing. */
@Timeout(60)
class RequestValidationTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();
  @TempDir static Path directory;

  private static GovernorServiceRig rig;
  private static String tenant;
  private static String agent;

  @BeforeAll
  static void start() {
    rig =
        new GovernorServiceRig(
            REDIS.endpoint(),
            directory,
            WebhookSettings.NONE,
            HttpSettings.defaults().withPort(0).withMaxBodyBytes(4096));
    tenant = GovernorRig.freshTenant("validation");
    rig.budget(tenant, "lifetime", 1_000);
    agent = rig.agent(tenant);
  }

  @AfterAll
  static void stop() {
    JsonObject ledger = json(rig.call("GET", "/v1/ledger/" + tenant, rig.auditor(tenant), null));
    rig.close();
    assertThat(ledger.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("type")))
        .as("no bad request may leave a trace, only the budget put before them")
        .containsExactly("budget");
  }

  private static HttpResponse<String> reserve(String body, Map<String, String> headers) {
    return rig.http.send("POST", "/v1/reservations", agent, headers, body);
  }

  private static final Map<String, String> KEY = Map.of("Idempotency-Key", "k-validation-1");

  /**
   * Regression: a refused entry of a policy's downgrades was named {@code downgrades}, leaving the
   * caller to guess which entry and which of its fields; it is named as the request names it.
   */
  @Test
  void aRefusedDowngradeNamesItsEntrysField() {
    JsonObject priced = downgrade("a-model", "b-model");
    JsonObject toItself = downgrade("big-model", "big-model");
    JsonObject sameModel =
        assertError(
            putPolicy(new JsonArray().add(priced).add(toItself)),
            422,
            "INVALID_POLICY",
            "downgrade of big-model must name another model");
    assertThat(sameModel.getJsonObject("details").getString("field"))
        .isEqualTo("downgrades[1].to_model");

    JsonObject unpriced =
        assertError(
            putPolicy(new JsonArray().add(priced)),
            422,
            "INVALID_POLICY",
            "must cost no more than a-model");
    assertThat(unpriced.getJsonObject("details").getString("field"))
        .isEqualTo("downgrades[0].to_model");
  }

  private static JsonObject downgrade(String from, String to) {
    return new JsonObject()
        .put("from_model", from)
        .put("to_model", to)
        .put("below_remaining_pct", 50);
  }

  private static HttpResponse<String> putPolicy(JsonArray downgrades) {
    return rig.call(
        "PUT",
        "/v1/tenants/" + tenant + "/policy",
        rig.admin(tenant),
        new JsonObject().put("downgrades", downgrades));
  }

  @Test
  void anOversizeBodyIs413() {
    String huge = new JsonObject().put("scope", tenant).put("model", "x".repeat(5000)).encode();
    assertError(reserve(huge, KEY), 413, "PAYLOAD_TOO_LARGE", "4096 bytes");
  }

  @Test
  void malformedJsonAndWrongShapesAre400NamingTheField() {
    assertError(reserve("{\"scope\": ", KEY), 400, "MALFORMED_REQUEST", "");
    assertError(reserve("[1,2]", KEY), 400, "MALFORMED_REQUEST", "JSON object");
    assertError(
        reserve("{\"scope\":\"" + tenant + "\",\"amount_micros\":\"ten\"}", KEY),
        400,
        "INVALID_REQUEST",
        "amount_micros must be an integer");
    assertError(
        reserve("{\"scope\":\"" + tenant + "\",\"amount_micros\":1,\"colour\":\"red\"}", KEY),
        400,
        "INVALID_REQUEST",
        "colour is not a known field");
    assertError(
        reserve("{\"scope\":\"" + tenant + "\",\"amount_micros\":1,\"model\":\"gpt-test\"}", KEY),
        400,
        "INVALID_REQUEST",
        "amount_micros excludes model and token counts");
    assertError(reserve("{\"amount_micros\":1}", KEY), 400, "INVALID_REQUEST", "scope is required");
    assertError(
        reserve("{\"scope\":\"" + tenant + "/../etc\",\"amount_micros\":1}", KEY),
        400,
        "INVALID_SCOPE",
        "segment '..'");
  }

  /**
   * Cursors past what Redis holds (unsigned 64-bit stream ids and SCAN cursors) and instants before
   * the epoch or past year 9999 are the caller's 400, not a Redis error's 500.
   */
  @Test
  void cursorsAndInstantsPastWhatTheStoreHoldsAre400() {
    String auditor = rig.auditor(tenant);
    String past64 = "18446744073709551616";
    String largest = "18446744073709551615";
    for (String query :
        List.of(
            "/v1/ledger/" + tenant + "?cursor=" + past64 + "-0",
            "/v1/ledger/" + tenant + "?cursor=1-" + past64,
            "/v1/ledger/" + tenant + "?cursor=99999999999999999999-0",
            "/v1/ledger/" + tenant + "?cursor=" + largest + "-" + largest,
            "/v1/events/" + tenant + "?cursor=" + past64 + "-0",
            "/v1/ledger/" + tenant + "?from=1969-12-31T23:59:59Z",
            "/v1/ledger/" + tenant + "?to=%2B999999999-12-31T23:59:59Z",
            "/v1/ledger/" + tenant + "?from=2026-12-08T00:00:00Z&to=2026-12-01T00:00:00Z",
            "/v1/spend?from=2026-12-08T00:00:00Z&to=2026-12-01T00:00:00Z",
            "/v1/spend?from=1969-12-31T23:59:59Z&to=1970-01-02T00:00:00Z",
            "/v1/spend?from=2026-01-01T00:00:00Z&to=10000-01-01T00:00:00Z",
            "/v1/reservations?scope=" + tenant + "&cursor=" + past64,
            "/v1/reservations?scope=" + tenant + "&cursor=" + past64 + ".r" + "0".repeat(32))) {
      HttpResponse<String> refused = rig.call("GET", query, auditor, null);
      assertThat(refused.statusCode()).as(query + " " + refused.body()).isEqualTo(400);
      assertThat(json(refused).getString("code")).isIn("INVALID_REQUEST", "MALFORMED_REQUEST");
    }
    for (String query :
        List.of(
            "/v1/ledger/" + tenant + "?cursor=" + largest + "-18446744073709551614",
            "/v1/reservations?scope=" + tenant + "&cursor=" + largest,
            "/v1/ledger/" + tenant + "?from=1970-01-01T00:00:00Z")) {
      HttpResponse<String> served = rig.call("GET", query, auditor, null);
      assertThat(served.statusCode()).as(query + " " + served.body()).isEqualTo(200);
    }
  }

  /**
   * Every query parameter of every listing, given values past every range a parser or Redis has,
   * gets an answer below 500: a 4xx naming the parameter, or a page.
   */
  @Test
  void noQueryValueOfAnyListingIsA5xx() {
    String auditor = rig.auditor(tenant);
    Map<String, List<String>> listings =
        Map.of(
            "/v1/ledger/" + tenant,
            List.of("cursor", "from", "to", "limit", "scope"),
            "/v1/events/" + tenant,
            List.of("cursor", "limit", "stream"),
            "/v1/spend",
            List.of("from", "to", "group_by", "scope", "format"),
            "/v1/reservations",
            List.of("scope", "state", "cursor", "limit"),
            "/v1/budgets",
            List.of("scope", "cursor", "limit"),
            "/v1/keys",
            List.of("scope", "cursor", "limit"),
            "/v1/agents/" + tenant,
            List.of("cursor", "limit"));
    List<String> hostile =
        List.of(
            "18446744073709551616",
            "18446744073709551615-18446744073709551615",
            "-1",
            "1e999",
            "%00",
            "%EF%BC%99",
            "x".repeat(3000),
            "%2B999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "18446744073709551616.r" + "0".repeat(32),
            "");
    Map<String, String> valid =
        Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-01-02T00:00:00Z", "scope", tenant);
    listings.forEach(
        (path, parameters) -> {
          for (String parameter : parameters) {
            StringBuilder others = new StringBuilder();
            valid.forEach(
                (name, value) -> {
                  if (parameters.contains(name) && !name.equals(parameter)) {
                    others.append('&').append(name).append('=').append(value);
                  }
                });
            for (String value : hostile) {
              String query = path + "?" + parameter + "=" + value + others;
              HttpResponse<String> answer = rig.call("GET", query, auditor, null);
              assertThat(answer.statusCode())
                  .as(query.substring(0, Math.min(query.length(), 300)) + " " + answer.body())
                  .isLessThan(500);
            }
          }
        });
  }

  /**
   * Every operation of the document takes the query parameters it declares and no other: one it
   * does not declare (a typo, say), or one named twice, is a 400 naming it, never a silent default.
   */
  @Test
  void aQueryParameterAnOperationDoesNotDeclareOrNamesTwiceIs400() {
    String admin = rig.admin(tenant);
    for (String path :
        List.of(
            "/v1/ledger/" + tenant + "?limt=5",
            "/v1/budgets?scope=" + tenant + "&scope=" + tenant + "/x",
            "/v1/keys?limit=1&limit=2",
            "/v1/tenants/" + tenant + "/policy?verbose=true",
            "/v1/spend?format=csv&group_by=model&colour=red")) {
      HttpResponse<String> answer = rig.call("GET", path, admin, null);

      assertThat(answer.statusCode()).as(path).isEqualTo(400);
      JsonObject error = new JsonObject(answer.body());
      assertThat(error.getString("code")).isEqualTo("INVALID_REQUEST");
      assertThat(error.getJsonObject("details").getString("field"))
          .isIn("limt", "scope", "limit", "verbose", "colour");
    }
    HttpResponse<String> post =
        rig.call(
            "POST",
            "/v1/reservations?dry_run=true",
            rig.agent(tenant),
            new JsonObject().put("scope", tenant).put("amount_micros", 1));
    assertThat(post.statusCode()).isEqualTo(400);
    // ';' is no separator: a proxy reading "limit=5;scope=x" as one parameter must not disagree.
    HttpResponse<String> semicolon =
        rig.call("GET", "/v1/keys?scope=" + tenant + ";limit=1", admin, null);
    assertThat(semicolon.statusCode()).as(semicolon.body()).isEqualTo(400);
    assertThat(new JsonObject(semicolon.body()).getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(rig.call("GET", "/v1/ledger/" + tenant + "?limit=5", admin, null).statusCode())
        .isEqualTo(200);
  }

  /**
   * Regression (probe): an empty {@code required} was refused as "must list 1 to 64 entries" (a
   * contract's bounds) and seventeen as "at most 16": a task's list is refused with its own bounds
   * at both ends.
   */
  @Test
  void aTasksRequiredListIsRefusedWithItsOwnBoundsAtBothEnds() {
    String dispatcher =
        rig.tokens.mint(rig.tokens.spec("dispatcher", "dispatcher").withScope(tenant));
    JsonArray seventeen = new JsonArray();
    for (int i = 0; i < 17; i++) {
      seventeen.add("c" + i);
    }
    for (JsonArray required : List.of(new JsonArray(), seventeen)) {
      JsonObject task =
          new JsonObject()
              .put("task_id", "t-bounds")
              .put("scope", tenant + "/p")
              .put("required", required)
              .put("max_cost_micros", 100);
      assertError(
          rig.post("/v1/claims", dispatcher, task),
          400,
          "INVALID_CAPABILITY",
          "a task requires 1 to 16 capabilities, not " + required.size());
    }
  }

  /**
   * A refused field is named as the request names it (details.field), in full and never by an
   * internal name: amount_micros not amount, max_cost_micros not max_cost, required not
   * capabilities, and a field of a nested object with its path (limits.month.cap_micros, not
   * cap_micros), whether the refusal is the reader's 400 or a domain check's 422.
   */
  @Test
  void aRefusedFieldIsNamedAsTheRequestNamesIt() {
    String dispatcher =
        rig.tokens.mint(rig.tokens.spec("dispatcher", "dispatcher").withScope(tenant));
    JsonObject task =
        new JsonObject()
            .put("task_id", "t-1")
            .put("scope", tenant + "/p")
            .put("required", new JsonArray().add("go"))
            .put("max_cost_micros", 100);
    List<Map.Entry<String, HttpResponse<String>>> refusals = new ArrayList<>();
    refusals.add(
        Map.entry(
            "amount_micros",
            rig.post(
                "/v1/reservations",
                agent,
                new JsonObject().put("scope", tenant).put("amount_micros", -5))));
    refusals.add(
        Map.entry(
            "max_output_tokens",
            rig.post(
                "/v1/reservations",
                agent,
                new JsonObject()
                    .put("scope", tenant)
                    .put("model", "gpt-test")
                    .put("input_tokens", 1)
                    .put("max_output_tokens", -1))));
    refusals.add(Map.entry("ttl_seconds", reserveFor(agent, 999_999)));
    refusals.add(
        Map.entry(
            "task_id", rig.post("/v1/claims", dispatcher, task.copy().put("task_id", "a b"))));
    refusals.add(
        Map.entry(
            "max_cost_micros",
            rig.post("/v1/claims", dispatcher, task.copy().put("max_cost_micros", 0))));
    JsonArray names = new JsonArray();
    for (int i = 0; i <= GrantScope.MAX_ENTRIES; i++) {
      names.add("c" + i);
    }
    refusals.add(
        Map.entry(
            "grant.capabilities",
            rig.post(
                "/v1/claims",
                dispatcher,
                task.copy().put("grant", new JsonObject().put("capabilities", names)))));
    refusals.add(
        Map.entry(
            "required",
            rig.post(
                "/v1/claims", dispatcher, task.copy().put("required", new JsonArray().add("UP")))));
    JsonObject day = new JsonObject().put("cap_micros", 10);
    refusals.add(
        Map.entry(
            "limits.month.cap_micros",
            putLimits(new JsonObject().put("day", day).put("month", limit(-5)))));
    refusals.add(
        Map.entry(
            "limits.month.thresholds_pct",
            putLimits(new JsonObject().put("day", day).put("month", limit(10, 80, 50)))));
    refusals.add(
        Map.entry(
            "limits.month.thresholds_pct",
            putLimits(
                new JsonObject()
                    .put("day", day)
                    .put("month", limit(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)))));
    refusals.add(
        Map.entry(
            "limits.month.thresholds_pct[1]",
            putLimits(new JsonObject().put("day", day).put("month", limit(10, 50, 100)))));

    refusals.forEach(
        refusal -> {
          String field = refusal.getKey();
          HttpResponse<String> answer = refusal.getValue();
          assertThat(answer.statusCode()).as(field + " " + answer.body()).isBetween(400, 499);
          JsonObject error = json(answer);
          assertThat(error.getJsonObject("details").getString("field"))
              .as(answer.body())
              .isEqualTo(field);
          // The message, if it names the field, names it in full too: never "cap_micros -5".
          String leaf = field.substring(field.lastIndexOf('.') + 1);
          assertThat(error.getString("message").replace(field, ""))
              .as(answer.body())
              .doesNotContain(leaf);
        });
    // A task's max cost has one range, whichever side of it the amount falls and however far: 0 is
    // not "at least 1" while -1 is "outside 0..", nor is 2^53 outside the counters' range while
    // 10^9 + 1 is above the most one call may take.
    for (long cost : List.of(0L, -1L, 1_000_000_001L, 9_007_199_254_740_992L)) {
      assertError(
          rig.post("/v1/claims", dispatcher, task.copy().put("max_cost_micros", cost)),
          422,
          "INVALID_AMOUNT",
          "max_cost_micros " + cost + " is outside 1..1000000000");
    }
    // Every TTL outside the configured range hears that range, however far outside, either way.
    for (long ttl : List.of(86_401L, 31_622_400L, 99_999_999_999L, 0L, -1L, -99_999_999_999L)) {
      HttpResponse<String> refused = reserveFor(agent, ttl);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(json(refused).getString("message")).as(refused.body()).contains("1..86400");
    }
  }

  private static HttpResponse<String> putLimits(JsonObject limits) {
    return rig.call(
        "PUT",
        "/v1/budgets/" + tenant + "%2Fq",
        rig.admin(tenant),
        new JsonObject().put("limits", limits));
  }

  private static JsonObject limit(long capMicros, Integer... thresholds) {
    return new JsonObject()
        .put("cap_micros", capMicros)
        .put("thresholds_pct", new JsonArray(List.of(thresholds)));
  }

  private static HttpResponse<String> reserveFor(String agent, long ttlSeconds) {
    return rig.post(
        "/v1/reservations",
        agent,
        new JsonObject()
            .put("scope", tenant)
            .put("amount_micros", 5)
            .put("ttl_seconds", ttlSeconds));
  }

  /**
   * A reservation or charge of nothing is refused: it would only write records (the ledger's, the
   * idempotency key's) that no budget pays for. So are tokens the catalogue prices at nothing (the
   * review's probe reserved and charged 0 µ$ that way, on a model whose cached input and output are
   * free). A commit of nothing stands: the call cost nothing.
   */
  @Test
  void aReservationOrChargeOfNothingIsRefused() {
    // A tenant of its own: the commit below writes to its ledger, which others here check empty.
    String tenant = GovernorRig.freshTenant("nothing");
    rig.budget(tenant, "lifetime", 1_000_000);
    String agent = rig.agent(tenant);
    JsonObject zeroTokens =
        new JsonObject()
            .put("scope", tenant)
            .put("model", "gpt-test")
            .put("input_tokens", 0)
            .put("max_output_tokens", 0);
    for (JsonObject body :
        List.of(new JsonObject().put("scope", tenant).put("amount_micros", 0), zeroTokens)) {
      HttpResponse<String> reserve = rig.post("/v1/reservations", agent, body);
      assertThat(reserve.statusCode()).as(reserve.body()).isEqualTo(422);
      assertThat(json(reserve).getString("code")).isEqualTo("INVALID_AMOUNT");
    }
    HttpResponse<String> charge =
        rig.post(
            "/v1/charges", agent, new JsonObject().put("scope", tenant).put("amount_micros", 0));
    assertThat(charge.statusCode()).as(charge.body()).isEqualTo(422);
    PricingCatalogue catalogue = rig.service.pricing().get();
    List<ModelPrice> withFree = new ArrayList<>(catalogue.models().values());
    withFree.add(new ModelPrice("nought-test", 1, 0, 0));
    Await.result(rig.service.pricing().replace(withFree, catalogue.version()));
    JsonObject freeTokens = new JsonObject().put("scope", tenant).put("model", "nought-test");
    for (HttpResponse<String> free :
        List.of(
            rig.post(
                "/v1/reservations",
                agent,
                freeTokens.copy().put("input_tokens", 0).put("max_output_tokens", 5)),
            rig.post(
                "/v1/charges",
                agent,
                freeTokens
                    .copy()
                    .put("input_tokens", 0)
                    .put("cached_input_tokens", 1000)
                    .put("output_tokens", 0)))) {
      assertThat(free.statusCode()).as(free.body()).isEqualTo(422);
      assertThat(json(free).getString("code")).isEqualTo("INVALID_AMOUNT");
      assertThat(json(free).getString("message")).contains("cost nothing at the current prices");
    }
    assertThat(
            Await.result(
                    rig.redis.send(
                        Request.cmd(Command.XLEN).arg(TenantKeyNames.of(tenant).ledger())))
                .toLong())
        .as("nothing refused was recorded, only the budget put before")
        .isEqualTo(1);
    String reservation =
        json(rig.post(
                "/v1/reservations",
                agent,
                new JsonObject().put("scope", tenant).put("amount_micros", 5)))
            .getString("reservation_id");
    HttpResponse<String> commit =
        rig.post(
            "/v1/reservations/" + reservation + "/commit",
            agent,
            new JsonObject().put("amount_micros", 0));
    assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
  }

  /** No error answer grows with what the caller sent: messages and text details are cut. */
  @Test
  void anErrorNeverEchoesALongInputWhole() {
    String longName = "f".repeat(3000);
    for (String body :
        List.of(
            "{\"scope\":\"" + tenant + "\",\"amount_micros\":1,\"" + longName + "\":1}",
            "{\"scope\":\"" + tenant + "/" + "s".repeat(3000) + "\",\"amount_micros\":1}")) {
      HttpResponse<String> refused = reserve(body, KEY);
      assertThat(refused.statusCode()).isBetween(400, 499);
      assertThat(refused.body().length()).as(refused.body()).isLessThan(2000);
    }
    HttpResponse<String> zone =
        rig.http.send(
            "PUT",
            "/v1/tenants/" + tenant + "/zone",
            rig.admin(tenant),
            Map.of(),
            new JsonObject().put("zone", "Z".repeat(3000)).encode());
    assertThat(zone.statusCode()).isBetween(400, 499);
    assertThat(zone.body().length()).as(zone.body()).isLessThan(2000);
  }

  @Test
  void aMalformedIdempotencyKeyIsRefused() {
    String body = new JsonObject().put("scope", tenant).put("amount_micros", 1).encode();
    assertError(
        reserve(body, Map.of("Idempotency-Key", "has space")),
        400,
        "INVALID_IDEMPOTENCY_KEY",
        "idempotency key");
  }

  /**
   * An amount or token count out of range is one refusal however far out: 2^53, 2^63 (past a Java
   * long) and 10^30 are all 422 {@code INVALID_AMOUNT} quoting the number as sent, in every field
   * that carries one; 2^63 and beyond used to be a 400 saying a long's range.
   */
  @Test
  void everyAmountAndTokenCountPastItsRangeIsOneRefusalWhateverItsSize() {
    String dispatcher =
        rig.tokens.mint(rig.tokens.spec("dispatcher", "dispatcher").withScope(tenant));
    for (String number :
        List.of(
            "9007199254740992",
            "9223372036854775808",
            "18446744073709551617",
            "1000000000000000000000000000000",
            "-9223372036854775809")) {
      Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
      answers.put(
          "amount_micros",
          reserve("{\"scope\":\"" + tenant + "\",\"amount_micros\":" + number + "}", KEY));
      answers.put(
          "max_output_tokens",
          reserve(
              "{\"scope\":\""
                  + tenant
                  + "\",\"model\":\"gpt-test\",\"input_tokens\":1,\"max_output_tokens\":"
                  + number
                  + "}",
              KEY));
      answers.put(
          "input_tokens",
          reserve(
              "{\"scope\":\""
                  + tenant
                  + "\",\"model\":\"gpt-test\",\"max_output_tokens\":1,\"input_tokens\":"
                  + number
                  + "}",
              KEY));
      answers.put(
          "max_cost_micros",
          rig.http.send(
              "POST",
              "/v1/claims",
              dispatcher,
              KEY,
              "{\"task_id\":\"t-big\",\"scope\":\""
                  + tenant
                  + "\",\"required\":[\"go\"],\"max_cost_micros\":"
                  + number
                  + "}"));
      answers.put(
          "limits.day.cap_micros",
          rig.http.send(
              "PUT",
              "/v1/budgets/" + tenant,
              rig.admin(tenant),
              Map.of(),
              "{\"limits\":{\"day\":{\"cap_micros\":" + number + "}}}"));
      answers.forEach(
          (field, answer) ->
              assertError(
                  answer,
                  422,
                  "INVALID_AMOUNT",
                  field
                      + " "
                      + number
                      + " is outside "
                      + (field.endsWith("cap_micros") || field.endsWith("tokens")
                          ? "0.."
                          : "1..")));
    }
  }

  @Test
  void impossibleAmountsAndUnknownModelsAre422() {
    assertError(
        reserve(new JsonObject().put("scope", tenant).put("amount_micros", -5).encode(), KEY),
        422,
        "INVALID_AMOUNT",
        "amount_micros -5 is outside");
    assertError(
        reserve(
            new JsonObject().put("scope", tenant).put("amount_micros", Long.MAX_VALUE).encode(),
            KEY),
        422,
        "INVALID_AMOUNT",
        "is outside 1..1000000000");
    assertError(
        reserve(
            new JsonObject()
                .put("scope", tenant)
                .put("model", "nope")
                .put("input_tokens", 1)
                .put("max_output_tokens", 1)
                .encode(),
            KEY),
        422,
        "MODEL_UNKNOWN",
        "model 'nope' is not in pricing catalogue");
    for (String notAName : List.of("m".repeat(3000), "gpt 4", "-x", "")) {
      HttpResponse<String> refused =
          reserve(
              new JsonObject()
                  .put("scope", tenant)
                  .put("model", notAName)
                  .put("input_tokens", 1)
                  .put("max_output_tokens", 1)
                  .encode(),
              KEY);
      assertError(refused, 400, "INVALID_REQUEST", "model must be a model name");
      assertThat(refused.body().length()).as("the answer does not echo the name").isLessThan(400);
    }
    assertError(
        reserve(
            new JsonObject().put("scope", "ghost-tenant/p").put("amount_micros", 1).encode(), KEY),
        403,
        "FORBIDDEN",
        "does not cover");
    assertError(
        rig.http.send(
            "PUT",
            "/v1/budgets/" + tenant,
            rig.admin(tenant),
            Map.of(),
            "{\"limits\":{\"week\":{\"cap_micros\":1}}}"),
        422,
        "INVALID_BUDGET",
        "window 'week' must be one of lifetime, day, month");
  }

  @Test
  void aRetriedRequestGetsTheSameAnswerAndAReusedKeyIsAConflict() {
    String t = GovernorRig.freshTenant("idem-http");
    rig.budget(t, "lifetime", 1_000);
    String token = rig.agent(t);
    Map<String, String> key = Map.of("Idempotency-Key", "retry-me-" + t);
    String body = new JsonObject().put("scope", t + "/p").put("amount_micros", 300).encode();

    HttpResponse<String> first = rig.http.send("POST", "/v1/reservations", token, key, body);
    HttpResponse<String> retry = rig.http.send("POST", "/v1/reservations", token, key, body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(json(retry).getString("reservation_id"))
        .isEqualTo(json(first).getString("reservation_id"));

    String other = new JsonObject().put("scope", t + "/p").put("amount_micros", 301).encode();
    assertError(
        rig.http.send("POST", "/v1/reservations", token, key, other),
        409,
        "IDEMPOTENCY_CONFLICT",
        "different request");

    JsonObject status = json(rig.call("GET", "/v1/budgets/" + t + "/status", rig.auditor(t), null));
    assertThat(status.getJsonArray("layers").getJsonObject(0).getLong("reserved_micros"))
        .isEqualTo(300);
  }
}
