package com.infrafabric.governor.http;

import static com.infrafabric.governor.testing.GovernorServiceRig.encode;
import static com.infrafabric.governor.testing.GovernorServiceRig.json;

import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.testing.ClaimRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.TestTokens;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A call of every configuration route of the governor's route table (each mutating route off the
 * money path, the platform's pricing aside), in an order in which each one changes something: the
 * ledger test and the write quota test walk the same list, so a route added to the table without a
 * call here fails both.
 */
final class ConfigurationCalls {

  /**
   * The settlements among them, paid for by the request that opened what they settle (a key's
   * revocation, by its creation): never refused by the write quota.
   */
  static final Set<String> PREPAID = Set.of("DELETE /v1/keys/:tenant/:id");

  private ConfigurationCalls() {}

  /**
   * One route's call: {@code prepare} puts in place what the call needs to change something (run
   * before a test takes its snapshot), {@code send} makes it with the admin token it is given.
   */
  record Call(Runnable prepare, Function<String, HttpResponse<String>> send) {
    static Call of(Function<String, HttpResponse<String>> send) {
      return new Call(() -> {}, send);
    }
  }

  /**
   * Every mutating route of the route table that changes a tenant's configuration: not the money
   * path (reservations, charges, claims, leases, the LLM gateway) nor the platform's pricing
   * catalogue, which is no tenant's.
   */
  static List<String> inRouteTable(GovernorServiceRig rig) {
    List<String> moneyPath =
        List.of(
            "/v1/reservations", "/v1/charges", "/v1/claims", "/v1/leases", "/llm/", "/v1/pricing");
    return rig.service.routes().stream()
        .filter(route -> !route.method().equals(HttpMethod.GET))
        .filter(route -> moneyPath.stream().noneMatch(route.path()::startsWith))
        .map(route -> route.method().name() + " " + route.path())
        .toList();
  }

  /**
   * A call of each configuration route of tenant {@code t} by the admin token it is given, by
   * route, in an order in which each changes what the ones before it left.
   */
  static Map<String, Call> of(GovernorServiceRig rig, String t) {
    String agents = "/v1/agents/" + t + "/a1";
    AtomicReference<String> key = new AtomicReference<>();
    Map<String, Call> calls = new LinkedHashMap<>();
    calls.put(
        "PUT /v1/tenants/:tenant/zone",
        Call.of(
            admin ->
                rig.call(
                    "PUT",
                    "/v1/tenants/" + t + "/zone",
                    admin,
                    new JsonObject().put("zone", "Asia/Tokyo"))));
    calls.put(
        "PUT /v1/budgets/:scope", Call.of(admin -> putBudget(rig, t + "/team", admin, 2_000)));
    calls.put(
        "DELETE /v1/budgets/:scope",
        Call.of(admin -> rig.call("DELETE", "/v1/budgets/" + encode(t + "/team"), admin, null)));
    calls.put(
        "PUT /v1/tenants/:tenant/policy",
        Call.of(
            admin ->
                rig.call(
                    "PUT",
                    "/v1/tenants/" + t + "/policy",
                    admin,
                    new JsonObject().put("max_agents_per_task", 2))));
    calls.put(
        "POST /v1/agents",
        Call.of(
            admin ->
                rig.call(
                    "POST",
                    "/v1/agents",
                    admin,
                    new JsonObject().put("contract", contract(rig, t)))));
    calls.put(
        "PUT /v1/agents/:tenant/:agent/status",
        Call.of(
            admin ->
                rig.call(
                    "PUT", agents + "/status", admin, new JsonObject().put("status", "draining"))));
    calls.put(
        "POST /v1/agents/:tenant/:agent/breaker-reset",
        new Call(
            () -> countFailure(rig, t, "a1"),
            admin -> rig.call("POST", agents + "/breaker-reset", admin, null)));
    calls.put(
        "DELETE /v1/agents/:tenant/:agent",
        Call.of(admin -> rig.call("DELETE", agents, admin, null)));
    calls.put(
        "POST /v1/keys",
        Call.of(
            admin -> {
              HttpResponse<String> created = rig.post("/v1/keys", admin, keySpec(t));
              if (created.statusCode() == 201) {
                key.set("/v1/keys/" + t + "/" + json(created).getString("id"));
              }
              return created;
            }));
    calls.put(
        "POST /v1/keys/:tenant/:id/rotate",
        Call.of(admin -> rig.post(key.get() + "/rotate", admin, null)));
    calls.put(
        "POST /v1/keys/:tenant/:id/expire",
        Call.of(
            admin ->
                rig.post(
                    key.get() + "/expire",
                    admin,
                    new JsonObject().put("expires_at", "2999-01-01T00:00:00Z"))));
    calls.put(
        "DELETE /v1/keys/:tenant/:id",
        Call.of(admin -> rig.call("DELETE", key.get(), admin, null)));
    return calls;
  }

  static HttpResponse<String> putBudget(
      GovernorServiceRig rig, String scope, String token, long cap) {
    JsonObject limit = new JsonObject().put("cap_micros", cap).put("thresholds_pct", List.of(50));
    return rig.call(
        "PUT",
        "/v1/budgets/" + encode(scope),
        token,
        new JsonObject().put("limits", new JsonObject().put("day", limit)));
  }

  /**
   * Counts a failure on the agent's tenant-wide record, as a failed task's finish would, so that a
   * breaker reset has something to start over: a reset of an agent with nothing counted changes
   * nothing and records nothing.
   */
  static void countFailure(GovernorServiceRig rig, String tenant, String agentId) {
    String agent = TenantKeyNames.of(tenant).prefix() + "a:" + agentId;
    Await.result(rig.redis.send(Request.cmd(Command.HSET).arg(agent).arg("fails").arg("1")));
  }

  private static String contract(GovernorServiceRig rig, String tenant) {
    return rig.tokens.mint(
        ClaimRig.contract(tenant, "a1", Map.of("python", 1), 1_000, 1)
            .toTokenSpec(TestTokens.ISSUER, Duration.ofDays(1)));
  }

  private static JsonObject keySpec(String scope) {
    return new JsonObject()
        .put("scope", scope)
        .put("allowed_models", new JsonArray().add("*"))
        .put("requests_per_minute", 10)
        .put("tokens_per_minute", 1_000);
  }
}
