package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.governor.http.CallerScope.DISPATCHER;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.policy.ModelDowngrade;
import com.infrafabric.governor.policy.TenantPolicies;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.tenant.Money;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The capability registry and tenant policies, for tenant tokens confined to the whole tenant.
 * Agents are registered only from contracts signed by an operator key (an admin of the contract's
 * tenant posts them; no agent can register or elevate itself); admins drain, disable, remove agents
 * and reset breakers, and set the tenant's claim policy.
 */
final class AgentRoutes {

  private static final Set<String> REGISTER_FIELDS = Set.of("contract");
  private static final Set<String> STATUS_FIELDS = Set.of("status");
  private static final Set<String> POLICY_FIELDS =
      Set.of(
          "min_match_permille",
          "max_agents_per_task",
          "max_cost_per_task_micros",
          "breaker_failures",
          "breaker_cooldown_ms",
          "lease_ttl_ms",
          "reputation_weight_permille",
          "subtree_share_permille",
          "downgrades");
  private static final int PERMILLE = 1000;
  private static final long MIN_DURATION_MS = TenantPolicy.MIN_DURATION.toMillis();
  private static final long MAX_DURATION_MS = TenantPolicy.MAX_DURATION.toMillis();
  private static final Set<String> DOWNGRADE_FIELDS =
      Set.of(
          ModelDowngrade.FROM_MODEL, ModelDowngrade.TO_MODEL, ModelDowngrade.BELOW_REMAINING_PCT);

  private final AgentRegistry agents;
  private final ClaimEngine claims;
  private final TenantPolicies policies;
  private final PricingCatalogues pricing;

  AgentRoutes(
      AgentRegistry agents,
      ClaimEngine claims,
      TenantPolicies policies,
      PricingCatalogues pricing) {
    this.agents = agents;
    this.claims = claims;
    this.policies = policies;
    this.pricing = pricing;
  }

  void register(Routes routes) {
    Access admins = Access.tenant(ADMIN);
    Access readers = Access.tenant(ADMIN, AUDITOR, DISPATCHER);
    routes
        .post("/v1/agents", admins, this::registerAgent)
        .get("/v1/agents/:tenant", readers, this::list)
        .get("/v1/agents/:tenant/:agent", readers, this::get)
        .put("/v1/agents/:tenant/:agent/status", admins, this::status)
        .delete("/v1/agents/:tenant/:agent", admins, this::remove)
        .post("/v1/agents/:tenant/:agent/breaker-reset", admins, this::resetBreaker)
        .put("/v1/tenants/:tenant/policy", admins, this::putPolicy)
        .get("/v1/tenants/:tenant/policy", Access.tenant(ADMIN, AUDITOR), this::getPolicy);
  }

  private void registerAgent(RoutingContext ctx) {
    Principal caller = Requests.principal(ctx);
    String contract = Fields.of(Requests.jsonBody(ctx), REGISTER_FIELDS).string("contract");
    respond(
        ctx,
        201,
        agents.register(
            contract, tenant -> CallerScope.requireTenant(caller, tenant), caller.subject()),
        ClaimViews::agent);
  }

  private void get(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String agent = agent(ctx);
    respond(
        ctx,
        200,
        agents.get(tenant, agent),
        found -> ClaimViews.agent(found.orElseThrow(() -> notFound(tenant, agent))));
  }

  /** {@code GET /v1/agents/{tenant}?cursor=C&limit=N}: the tenant's agents in id order. */
  private void list(RoutingContext ctx) {
    String tenant = tenant(ctx);
    String cursor = ctx.queryParams().get("cursor");
    if (cursor != null) {
      Scope.segment(ErrorCode.INVALID_REQUEST, "cursor", cursor);
    }
    int size = Listings.limit(ctx, AgentRegistry.MAX_PAGE_SIZE);
    respond(ctx, 200, agents.list(tenant, cursor, size), ClaimViews::agents);
  }

  private void status(RoutingContext ctx) {
    String name = Fields.of(Requests.jsonBody(ctx), STATUS_FIELDS).string("status");
    respond(
        ctx,
        200,
        claims.setAgentStatus(
            tenant(ctx), agent(ctx), status(name), Requests.principal(ctx).subject()),
        ClaimViews::agent);
  }

  private void remove(RoutingContext ctx) {
    agents
        .remove(tenant(ctx), agent(ctx), Requests.principal(ctx).subject())
        .onComplete(
            outcome -> {
              if (outcome.failed()) {
                ctx.fail(outcome.cause());
              } else {
                ctx.response().setStatusCode(204).end();
              }
            });
  }

  private void resetBreaker(RoutingContext ctx) {
    Requests.noBody(ctx);
    respond(
        ctx,
        200,
        agents.resetBreaker(tenant(ctx), agent(ctx), Requests.principal(ctx).subject()),
        ClaimViews::agent);
  }

  private void putPolicy(RoutingContext ctx) {
    String tenant = tenant(ctx);
    Fields body = Fields.of(Requests.jsonBody(ctx), POLICY_FIELDS);
    // In the request's order (the policy keeps them by model), so a refusal names the entry.
    List<ModelDowngrade> downgrades =
        body.has("downgrades") ? downgrades(body.array("downgrades")) : List.of();
    TenantPolicy policy = policy(body, downgrades);
    Future<Void> put =
        pricing
            .refresh()
            .compose(
                catalogue -> {
                  for (int i = 0; i < downgrades.size(); i++) {
                    downgrades
                        .get(i)
                        .requireAffordableIn(catalogue, entryPrefix(i) + ModelDowngrade.TO_MODEL);
                  }
                  return policies.put(tenant, policy, Requests.principal(ctx).subject());
                });
    respond(ctx, 200, put, ignored -> ClaimViews.policy(tenant, policy));
  }

  private void getPolicy(RoutingContext ctx) {
    String tenant = tenant(ctx);
    respond(ctx, 200, policies.get(tenant), policy -> ClaimViews.policy(tenant, policy));
  }

  /** The tenant in the path, which the caller must be allowed to see whole. */
  private static String tenant(RoutingContext ctx) {
    String tenant = TenantPath.of(ctx);
    CallerScope.requireTenant(Requests.principal(ctx), tenant);
    return tenant;
  }

  private static String agent(RoutingContext ctx) {
    return Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", ctx.pathParam("agent"));
  }

  private static AgentStatus status(String name) {
    for (AgentStatus status : AgentStatus.values()) {
      // Exactly the schema's names, as every other enum on the wire.
      if (status.wireName().equals(name)) {
        return status;
      }
    }
    throw Fields.malformed("status", "must be one of active, draining, disabled");
  }

  /**
   * A policy from the fields given, {@code downgrades} being what {@code body} gives for them;
   * fields left out keep the defaults.
   */
  private static TenantPolicy policy(Fields body, List<ModelDowngrade> downgrades) {
    TenantPolicy.Builder policy = TenantPolicy.DEFAULTS.toBuilder();
    body.optionalInt("min_match_permille", 1, PERMILLE).ifPresent(policy::minMatchPermille);
    body.optionalInt("max_agents_per_task", 1, TenantPolicy.MAX_AGENTS_PER_TASK)
        .ifPresent(policy::maxAgentsPerTask);
    // An amount, refused as every amount is (INVALID_AMOUNT), not as the policy's other numbers.
    body.optionalExactInteger("max_cost_per_task_micros")
        .map(micros -> Money.checkPositive(body.fullName("max_cost_per_task_micros"), micros))
        .ifPresent(policy::maxCostPerTaskMicros);
    body.optionalInt("breaker_failures", 1, TenantPolicy.MAX_BREAKER_FAILURES)
        .ifPresent(policy::breakerFailures);
    body.optionalInteger("breaker_cooldown_ms", MIN_DURATION_MS, MAX_DURATION_MS)
        .ifPresent(v -> policy.breakerCooldown(Duration.ofMillis(v)));
    body.optionalInteger("lease_ttl_ms", MIN_DURATION_MS, MAX_DURATION_MS)
        .ifPresent(v -> policy.leaseTtl(Duration.ofMillis(v)));
    body.optionalInt("reputation_weight_permille", 1, PERMILLE)
        .ifPresent(policy::reputationWeightPermille);
    body.optionalInt("subtree_share_permille", 1, PERMILLE).ifPresent(policy::subtreeSharePermille);
    if (body.has("downgrades")) {
      policy.downgrades(downgrades);
    }
    return policy.build();
  }

  private static List<ModelDowngrade> downgrades(JsonArray array) {
    List<ModelDowngrade> downgrades = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw Fields.malformed("downgrades[" + i + "]", "must be an object");
      }
      Fields fields = Fields.of(entry, entryPrefix(i), DOWNGRADE_FIELDS);
      downgrades.add(
          ModelDowngrade.requested(
              fields::fullName,
              fields.string(ModelDowngrade.FROM_MODEL),
              fields.string(ModelDowngrade.TO_MODEL),
              fields.intValue(ModelDowngrade.BELOW_REMAINING_PCT, 1, 99)));
    }
    return downgrades;
  }

  /** The prefix of the fields of entry {@code i} of {@code downgrades}: {@code downgrades[2].}. */
  private static String entryPrefix(int i) {
    return "downgrades[" + i + "].";
  }

  private static GovernorException notFound(String tenant, String agent) {
    return new GovernorException(
        ErrorCode.AGENT_NOT_FOUND,
        "agent " + agent + " is not registered in tenant " + tenant,
        Map.of("tenant", tenant, "agent_id", agent));
  }
}
