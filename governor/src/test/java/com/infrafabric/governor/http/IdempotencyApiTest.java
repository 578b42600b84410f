package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.http.RouteDescriptor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency keys belong to the caller that named them, and a money-moving request that names none
 * gets one from the server, returned in the answer, so a retry is always safe.
 */
@Timeout(60)
class IdempotencyApiTest {

  private static final String KEY = "Idempotency-Key";

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  @Test
  void aRequestWithoutAKeyGetsOneAndARetryWithItIsAReplay() {
    String t = GovernorRig.freshTenant("assigned");
    rig.budget(t, "lifetime", 1_000);
    String agent = agent("alice", t);
    String charge = spend(t, 40).encode();

    HttpResponse<String> first = rig.http.send("POST", "/v1/charges", agent, Map.of(), charge);
    String assigned = first.headers().firstValue(KEY).orElseThrow();
    HttpResponse<String> retry =
        rig.http.send("POST", "/v1/charges", agent, Map.of(KEY, assigned), charge);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(assigned).matches("[A-Za-z0-9._:-]{1,128}");
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(json(retry).getString("charge_id")).isEqualTo(json(first).getString("charge_id"));
    assertThat(rig.http.send("POST", "/v1/charges", agent, Map.of(), charge).headers())
        .satisfies(h -> assertThat(h.firstValue(KEY)).isPresent().get().isNotEqualTo(assigned));
    assertThat(entries(t)).as("the budget put, then two charges").isEqualTo(3);
  }

  @Test
  void theKeyComesBackOnEveryMoneyMovingAnswerErrorsIncluded() {
    String t = GovernorRig.freshTenant("echoed");
    rig.budget(t, "lifetime", 100);
    String agent = agent("bob", t);

    HttpResponse<String> denied =
        rig.http.send(
            "POST", "/v1/reservations", agent, Map.of(KEY, "mine-1"), spend(t, 500).encode());
    HttpResponse<String> reserved =
        rig.http.send("POST", "/v1/reservations", agent, Map.of(), spend(t, 50).encode());
    String rid = json(reserved).getString("reservation_id");
    HttpResponse<String> committed =
        rig.http.send(
            "POST",
            "/v1/reservations/" + rid + "/commit",
            agent,
            Map.of(),
            new JsonObject().put("amount_micros", 10).encode());

    assertThat(denied.statusCode()).isEqualTo(402);
    assertThat(denied.headers().firstValue(KEY)).hasValue("mine-1");
    assertThat(reserved.headers().firstValue(KEY)).isPresent();
    assertThat(committed.statusCode()).isEqualTo(200);
    assertThat(committed.headers().firstValue(KEY)).isPresent();
  }

  /**
   * Regression: a refusal of the body came without the documented {@code Idempotency-Key} when it
   * was made before the handler read the key (reserve's amount and model, commit's and charge's
   * amounts). Every idempotent route now reads and echoes the key before its handler runs, so its
   * every refusal carries it.
   */
  @Test
  void everyIdempotentRouteEchoesTheKeyWhenItRefusesTheBody() {
    String t = GovernorRig.freshTenant("refused");
    rig.budget(t, "lifetime", 1_000);
    String agent = agent("carol", t);
    String admin = rig.admin(t);
    String dispatcher = rig.tokens.mint(rig.tokens.spec("dispatch", "dispatcher").withScope(t));
    String rid = json(rig.post("/v1/reservations", agent, spend(t, 1))).getString("reservation_id");
    String negative = new JsonObject().put("amount_micros", -1).encode();
    String lease = GovernorServiceRig.encode(t + "/task-1") + "%231";

    Map<String, HttpResponse<String>> refusals =
        Map.ofEntries(
            refused("POST", "/v1/reservations", agent, spend(t, -1).encode()),
            refused("POST", "/v1/reservations", agent, spend(t, 5_000_000_000L).encode()),
            refused(
                "POST",
                "/v1/reservations",
                agent,
                new JsonObject().put("scope", t).put("model", "nope").encode()),
            refused("POST", "/v1/charges", agent, spend(t, -1).encode()),
            refused("POST", "/v1/reservations/" + rid + "/commit", agent, negative),
            refused("POST", "/v1/reservations/" + rid + "/release", agent, negative),
            refused("POST", "/v1/claims", dispatcher, "{}"),
            refused("POST", "/v1/leases/" + lease + "/finish", agent, "{}"),
            refused("POST", "/v1/keys", admin, "{}"),
            refused("POST", "/v1/keys/" + t + "/k1/rotate", admin, negative),
            refused("POST", "/v1/keys/" + t + "/k1/expire", admin, "{\"expires_at\":null}"));

    assertThat(refusals)
        .allSatisfy(
            (call, response) -> {
              assertThat(response.statusCode())
                  .as(call + " " + response.body())
                  .isBetween(400, 422);
              assertThat(response.headers().firstValue(KEY)).as(call).hasValue(call);
            });
  }

  /** The answer to a request under a key named after the request, to tell the answers apart. */
  private static Map.Entry<String, HttpResponse<String>> refused(
      String method, String path, String token, String body) {
    String name = (method + " " + path + " " + body).replaceAll("[^A-Za-z0-9._:-]", "_");
    String key = name.length() > 128 ? name.substring(0, 128) : name;
    return Map.entry(key, rig.http.send(method, path, token, Map.of(KEY, key), body));
  }

  @Test
  void oneCallerCannotSquatOrReplayAnothersKey() {
    String t = GovernorRig.freshTenant("squat");
    rig.budget(t, "lifetime", 1_000);
    Map<String, String> key = Map.of(KEY, "call-1");
    String mallory = agent("mallory", t);
    String alice = agent("alice", t);

    HttpResponse<String> squatted =
        rig.http.send("POST", "/v1/charges", mallory, key, spend(t, 1).encode());
    HttpResponse<String> alices =
        rig.http.send("POST", "/v1/charges", alice, key, spend(t, 300).encode());
    HttpResponse<String> replayed =
        rig.http.send("POST", "/v1/charges", mallory, key, spend(t, 300).encode());

    assertThat(squatted.statusCode()).isEqualTo(201);
    assertThat(alices.statusCode()).as(alices.body()).isEqualTo(201);
    assertThat(json(alices).getLong("amount_micros")).isEqualTo(300);
    assertThat(replayed.statusCode()).as("mallory's own key, another request").isEqualTo(409);
    HttpResponse<String> aliceAgain =
        rig.http.send("POST", "/v1/charges", agent("alice", t), key, spend(t, 300).encode());
    assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed"))
        .as("the same caller with a fresh token")
        .hasValue("true");
  }

  private static String agent(String subject, String scope) {
    return rig.tokens.mint(rig.tokens.spec(subject, "agent").withScope(scope));
  }

  private static JsonObject spend(String scope, long micros) {
    return new JsonObject().put("scope", scope).put("amount_micros", micros);
  }

  private static int entries(String tenant) {
    return json(rig.call("GET", "/v1/ledger/" + tenant, rig.auditor(tenant), null))
        .getJsonArray("entries")
        .size();
  }

  /**
   * Regression: the README said every mutating operation honours an {@code Idempotency-Key}, but
   * the configuration routes (budgets, zone, policy, agents) ignore one: they are idempotent by
   * their method. Which routes take a key is declared once, in the OpenAPI document: for every
   * mutating route of the route table, a request naming a key is answered with it exactly when the
   * document declares the header on that operation, whatever the request's fate (here a body or
   * path that names nothing there).
   */
  @Test
  void exactlyTheOperationsTheDocumentDeclaresAKeyOnEchoIt() {
    String t = GovernorRig.freshTenant("declared");
    String everyRole =
        rig.tokens.mint(rig.tokens.spec("all", "admin", "agent", "dispatcher").withScope(t));
    JsonObject paths =
        new JsonObject(rig.http.get("/v1/openapi.json", rig.auditor()).body())
            .getJsonObject("paths");
    List<RouteDescriptor> mutating =
        rig.service.routes().stream()
            .filter(route -> !route.method().equals(HttpMethod.GET))
            .filter(route -> route.path().startsWith("/v1/"))
            .toList();
    assertThat(mutating).hasSizeGreaterThan(15);
    for (RouteDescriptor route : mutating) {
      boolean declared =
          paths
              .getJsonObject(route.openApiPath())
              .getJsonObject(route.method().name().toLowerCase(Locale.ROOT))
              .getJsonArray("parameters", new JsonArray())
              .stream()
              .anyMatch(p -> p.toString().contains("IdempotencyKey"));
      String path =
          route.path().replace(":scope", t).replace(":tenant", t).replaceAll(":[a-z]+", "nobody");
      HttpResponse<String> answer =
          rig.call(
              route.method().name(),
              path,
              everyRole,
              new JsonObject(),
              Map.of(KEY, "declared-probe"));
      assertThat(answer.headers().firstValue(KEY))
          .as(route.method() + " " + route.path() + " (" + answer.statusCode() + ")")
          .isEqualTo(declared ? Optional.of("declared-probe") : Optional.empty());
    }
  }
}
