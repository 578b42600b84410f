package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorRig.freshTenant;
import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;
import static com.infrafabric.platform.testing.ErrorAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.GovernorServiceExtension;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a change of a tenant's configuration (budgets, zone, policy) does beyond itself: the zone it
 * locks, the events it fires, the ledger entry it leaves.
 */
@Timeout(60)
class ConfigurationChangesApiTest {

  @RegisterExtension
  static final GovernorServiceExtension GOVERNOR = GovernorServiceExtension.create();

  private static GovernorServiceRig rig;

  @BeforeAll
  static void start() {
    rig = GOVERNOR.rig();
  }

  /**
   * Regression: the first budget anywhere in a tenant fixed its zone for good, so an admin confined
   * to one subtree could lock the whole tenant's zone with a budget on a scope that never spent
   * (even one deleted at once). A budget counts nothing; the zone locks at the first hold or spend,
   * and stays locked once one was counted, even after it was released.
   */
  @Test
  void onlyACountedHoldOrSpendFixesTheZoneNotABudget() {
    String t = freshTenant("zone-lock");
    String teamAdmin =
        rig.tokens.mint(rig.tokens.spec("team-admin", "admin").withScope(t + "/team"));
    assertThat(putBudget(t + "/team/x", teamAdmin, 1_000).statusCode()).isEqualTo(200);
    assertThat(rig.call("DELETE", "/v1/budgets/" + encode(t + "/team/x"), teamAdmin, null))
        .extracting(HttpResponse::statusCode)
        .isEqualTo(204);
    rig.budget(t, "day", 1_000);

    assertThat(setZone(t, "Europe/Paris").statusCode()).isEqualTo(200);

    String agent = rig.agent(t);
    JsonObject reserved = json(rig.post("/v1/reservations", agent, reserve(t + "/x", 10)));
    String rid = reserved.getString("reservation_id");
    assertThat(rig.post("/v1/reservations/" + rid + "/release", agent, null).statusCode())
        .isEqualTo(200);

    HttpResponse<String> refused = setZone(t, "America/New_York");
    JsonObject error = assertError(refused, 409, "ZONE_IN_USE", "its zone stays Europe/Paris");
    assertThat(error.getJsonObject("details").getString("zone")).isEqualTo("Europe/Paris");
    assertThat(setZone(t, "Europe/Paris").statusCode()).as("its own zone").isEqualTo(200);
  }

  /**
   * Regression: a cap at or below the spend already counted never fired its events: a cap of 0 had
   * no mark a spend could cross, and a cap lowered below the spend none that a later spend would. A
   * cap of 0 is reached by the first spend; a put budget fires at once, and once, the marks its
   * caps put behind the spend.
   */
  @Test
  void aCapAtOrBelowTheSpendIsReachedAtOnceAndOnce() {
    String zero = freshTenant("cap-zero");
    rig.budget(zero, "lifetime", 0, 50);
    assertThat(events(zero)).isEmpty();
    assertThat(charge(zero, 500).statusCode()).isEqualTo(201);
    assertThat(events(zero))
        .containsExactly("budget.threshold_crossed 50 0", "budget.cap_reached 100 0");

    String lowered = freshTenant("cap-lowered");
    rig.budget(lowered, "lifetime", 1_000);
    charge(lowered, 500);
    rig.budget(lowered, "lifetime", 400);
    assertThat(events(lowered)).containsExactly("budget.cap_reached 100 400");
    rig.budget(lowered, "lifetime", 400);
    charge(lowered, 300);
    rig.budget(lowered, "lifetime", 0);
    assertThat(events(lowered))
        .containsExactly("budget.cap_reached 100 400", "budget.cap_reached 100 0");
  }

  /**
   * Regression: budget, zone and policy changes left no trace in the ledger, unlike key and agent
   * changes. Each is recorded by the script that makes it, naming who made it; they move no money,
   * so reconciliation, which sums the money entries, still agrees with the counters.
   */
  @Test
  void everyConfigurationChangeIsInTheLedgerWithWhoMadeIt() {
    String t = freshTenant("audited");
    String admin = rig.admin(t);
    assertThat(setZone(t, "Europe/Paris").statusCode()).isEqualTo(200);
    assertThat(putBudget(t + "/team", admin, 2_000).statusCode()).isEqualTo(200);
    assertThat(rig.call("DELETE", "/v1/budgets/" + encode(t + "/team"), admin, null).statusCode())
        .isEqualTo(204);
    assertThat(
            rig.call(
                    "PUT",
                    "/v1/tenants/" + t + "/policy",
                    admin,
                    new JsonObject().put("max_agents_per_task", 3))
                .statusCode())
        .isEqualTo(200);

    List<JsonObject> entries = rig.ledger(t);
    assertThat(entries)
        .extracting(e -> e.getString("type") + " " + e.getString("scope"))
        .containsExactly(
            "zone " + t, "budget " + t + "/team", "budget " + t + "/team", "policy " + t);
    assertThat(entries)
        .extracting(e -> e.getJsonObject("fields").getString("by"))
        .containsOnly("ops-admin");
    assertThat(entries.get(0).getJsonObject("fields").getString("zone")).isEqualTo("Europe/Paris");
    assertThat(entries.get(1).getJsonObject("fields").getString("op")).isEqualTo("put");
    assertThat(entries.get(1).getJsonObject("fields").getString("day")).isEqualTo("2000;50");
    assertThat(entries.get(2).getJsonObject("fields").getString("op")).isEqualTo("delete");
    JsonObject policy = new JsonObject(entries.get(3).getJsonObject("fields").getString("policy"));
    assertThat(policy.getString("max_agents")).isEqualTo("3");
    assertThat(entries)
        .allSatisfy(e -> assertThat(e.getLong("spent_delta_micros")).isZero())
        .allSatisfy(e -> assertThat(e.getLong("reserved_delta_micros")).isZero());

    rig.budget(t, "day", 1_000);
    assertThat(charge(t, 300).statusCode()).isEqualTo(201);
    JsonObject report =
        json(rig.call("GET", "/v1/ledger/" + t + "/reconciliation", rig.auditor(t), null));
    assertThat(report.getBoolean("consistent")).as(report.encode()).isTrue();
  }

  /**
   * Regression: a configuration route called again with what the tenant has already (the same
   * budget, the same policy, an agent's current status, a breaker reset of an agent with nothing to
   * reset) appended a ledger entry each time, about 240 B kept a week, charged to no quota: an
   * auditor reads changes in the ledger, and such a repeat changes nothing. It now writes and
   * records nothing and is charged nothing, while the first call of each is recorded once.
   */
  @Test
  void aRepeatThatChangesNothingIsNeitherLedgeredNorCharged() {
    String t = freshTenant("repeats");
    String admin = rig.admin(t);
    Map<String, ConfigurationCalls.Call> calls = ConfigurationCalls.of(rig, t);
    List<String> repeatable =
        List.of(
            "PUT /v1/tenants/:tenant/zone",
            "PUT /v1/budgets/:scope",
            "PUT /v1/tenants/:tenant/policy",
            "POST /v1/agents",
            "PUT /v1/agents/:tenant/:agent/status");
    for (String route : repeatable) {
      calls.get(route).prepare().run();
      assertThat(calls.get(route).send().apply(admin).statusCode()).as(route).isBetween(200, 204);
    }
    calls.get("POST /v1/agents/:tenant/:agent/breaker-reset").prepare().run();
    assertThat(
            calls
                .get("POST /v1/agents/:tenant/:agent/breaker-reset")
                .send()
                .apply(admin)
                .statusCode())
        .isEqualTo(200);
    int recorded = rig.ledger(t).size();
    long charged = charged(t);
    assertThat(charged).as("each first call was a change, charged").isPositive();

    for (String route : repeatable) {
      assertThat(calls.get(route).send().apply(admin).statusCode()).as(route).isBetween(200, 204);
    }
    HttpResponse<String> reset =
        calls.get("POST /v1/agents/:tenant/:agent/breaker-reset").send().apply(admin);

    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(json(reset).getString("breaker")).isEqualTo("closed");
    assertThat(json(reset).getInteger("consecutive_failures")).isZero();
    assertThat(rig.ledger(t)).hasSize(recorded);
    assertThat(charged(t)).isEqualTo(charged);
  }

  /**
   * Regression: agent and key changes (registration, status, removal; create, rotate, expire,
   * revoke) were ledgered without {@code by}, and a breaker reset not at all, though every
   * configuration change was documented to name who made it. Every configuration route of the route
   * table (each mutating route off the money path, the platform's pricing aside) is called by an
   * admin with a subject of its own, and each must append a ledger entry naming that subject,
   * moving no money. A configuration route added to the table without an entry here fails the test.
   */
  @Test
  void everyConfigurationRouteLedgersItsChangeWithTheCallersSubject() {
    String t = freshTenant("by-every-route");
    Map<String, ConfigurationCalls.Call> calls = ConfigurationCalls.of(rig, t);
    assertThat(calls.keySet())
        .as("the configuration routes of the route table")
        .containsExactlyInAnyOrderElementsOf(ConfigurationCalls.inRouteTable(rig));
    int n = 0;
    for (Map.Entry<String, ConfigurationCalls.Call> route : calls.entrySet()) {
      String subject = "admin-" + n++;
      String admin = rig.tokens.mint(rig.tokens.spec(subject, "admin").withScope(t));
      route.getValue().prepare().run();
      int before = rig.ledger(t).size();
      HttpResponse<String> answer = route.getValue().send().apply(admin);
      assertThat(answer.statusCode()).as(route.getKey() + ": " + answer.body()).isBetween(200, 204);
      List<JsonObject> added = rig.ledger(t).subList(before, rig.ledger(t).size());
      assertThat(added).as(route.getKey()).isNotEmpty();
      assertThat(added)
          .as(route.getKey())
          .allSatisfy(e -> assertThat(e.getJsonObject("fields").getString("by")).isEqualTo(subject))
          .allSatisfy(e -> assertThat(e.getLong("spent_delta_micros")).isZero())
          .allSatisfy(e -> assertThat(e.getLong("reserved_delta_micros")).isZero());
    }
    rig.budget(t, "day", 1_000);
    assertThat(charge(t, 300).statusCode()).isEqualTo(201);
    JsonObject report =
        json(rig.call("GET", "/v1/ledger/" + t + "/reconciliation", rig.auditor(t), null));
    assertThat(report.getBoolean("consistent")).as(report.encode()).isTrue();
  }

  /** The records the tenant's requests were charged this hour. */
  private static long charged(String tenant) {
    String quota = TenantKeyNames.of(tenant).writeQuota(rig.clock.instant());
    Response used = Await.result(rig.redis.send(Request.cmd(Command.GET).arg(quota)));
    return used == null ? 0 : used.toLong();
  }

  private static HttpResponse<String> putBudget(String scope, String token, long cap) {
    return ConfigurationCalls.putBudget(rig, scope, token, cap);
  }

  private static HttpResponse<String> setZone(String tenant, String zone) {
    return rig.call(
        "PUT",
        "/v1/tenants/" + tenant + "/zone",
        rig.admin(tenant),
        new JsonObject().put("zone", zone));
  }

  private static JsonObject reserve(String scope, long micros) {
    return new JsonObject().put("scope", scope).put("amount_micros", micros);
  }

  private static HttpResponse<String> charge(String scope, long micros) {
    return rig.post("/v1/charges", rig.agent(scope), reserve(scope, micros));
  }

  /** The tenant's budget events as the events API lists them: type, mark and cap. */
  private static List<String> events(String tenant) {
    JsonObject page = json(rig.call("GET", "/v1/events/" + tenant, rig.auditor(tenant), null));
    return page.getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getJsonObject("fields"))
        .map(
            f ->
                f.getString("type") + " " + f.getString("threshold_pct") + " " + f.getString("cap"))
        .toList();
  }
}
