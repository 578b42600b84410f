package com.infrafabric.governor.http;

import static com.infrafabric.governor.http.CallerScope.ADMIN;
import static com.infrafabric.governor.http.CallerScope.AGENT;
import static com.infrafabric.governor.http.CallerScope.AUDITOR;
import static com.infrafabric.governor.http.CallerScope.DISPATCHER;
import static com.infrafabric.platform.http.Responses.respond;

import com.infrafabric.governor.claim.ClaimEngine;
import com.infrafabric.governor.claim.ClaimOutcome;
import com.infrafabric.governor.claim.ClaimOutcome.Claimed;
import com.infrafabric.governor.claim.ClaimOutcome.NotClaimed;
import com.infrafabric.governor.claim.ClaimRequest;
import com.infrafabric.governor.claim.FinishRequest;
import com.infrafabric.governor.claim.GrantIssuer;
import com.infrafabric.governor.claim.GrantScope;
import com.infrafabric.governor.claim.HeartbeatRequest;
import com.infrafabric.governor.claim.LeaseId;
import com.infrafabric.governor.claim.TaskOutcome;
import com.infrafabric.governor.claim.TaskSpec;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.auth.Access;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.http.Requests;
import com.infrafabric.platform.http.Responses;
import com.infrafabric.platform.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The claim path over HTTP, for tenant tokens. A {@code dispatcher} (an orchestrator, confined to
 * the scope subtree its token names) claims tasks and gets the owner's signed grant; the owner
 * ({@code agent} whose token subject is the agent id, or a dispatcher for it) heartbeats and
 * finishes the lease, if the task's scope lies within its subtree.
 */
final class ClaimRoutes {

  static final ErrorCode NOT_CLAIMED = new ErrorCode("NOT_CLAIMED", 409);

  private static final Set<String> CLAIM_FIELDS =
      Set.of("task_id", "scope", "required", "max_cost_micros", "max_agents", "grant");
  private static final Set<String> GRANT_FIELDS =
      Set.of("tools", "capabilities", "credentials", "models", "max_invocations");
  private static final Set<String> HEARTBEAT_FIELDS = Set.of("agent_id");
  private static final Set<String> FINISH_FIELDS =
      Set.of(
          "agent_id",
          "outcome",
          "latency_ms",
          "amount_micros",
          "model",
          "input_tokens",
          "cached_input_tokens",
          "output_tokens");
  private static final int DEFAULT_INVOCATIONS = 10;

  /** The longest task a finish report may claim, a day. */
  private static final long MAX_LATENCY_MS = 24L * 60 * 60 * 1000;

  private final ClaimEngine claims;
  private final GrantIssuer grants;
  private final SpendFields spend;

  ClaimRoutes(ClaimEngine claims, GrantIssuer grants, SpendFields spend) {
    this.claims = claims;
    this.grants = grants;
    this.spend = spend;
  }

  void register(Routes routes) {
    Access holders = Access.tenant(DISPATCHER, AGENT);
    // A new claim is admission-controlled. A lease's end is always served, never shed nor rate
    // limited: it settles what was admitted. A heartbeat may be sent at will, and each one costs
    // the store a script: it is never shed either, but it is charged to its caller's bucket.
    routes
        .admissionControlled()
        .post("/v1/claims", Access.tenant(DISPATCHER), IdempotentRoute.of(this::claim));
    routes.post("/v1/leases/:lease/heartbeat", holders, this::heartbeat);
    routes.settling().post("/v1/leases/:lease/finish", holders, IdempotentRoute.of(this::finish));
    routes.get("/v1/tenants/:tenant/cost-waste", Access.tenant(ADMIN, AUDITOR), this::costWaste);
  }

  private void claim(RoutingContext ctx, IdempotencyKey key) {
    Fields body = Fields.of(Requests.jsonBody(ctx), CLAIM_FIELDS);
    Principal caller = Requests.principal(ctx);
    Scope scope = CallerScope.requireWithin(caller, Scope.parse(body.string("scope")));
    TaskSpec task =
        new TaskSpec(
            body.string("task_id"),
            scope,
            TaskSpec.required(strings(body.array("required"), "required")),
            spend.positiveMicros(body, "max_cost_micros"),
            body.optionalInt("max_agents", 1, TenantPolicy.MAX_AGENTS_PER_TASK)
                .orElse(TenantPolicy.DEFAULTS.maxAgentsPerTask()));
    GrantScope grant = grantScope(body.optionalObject("grant").orElse(new JsonObject()));
    Responses.then(
        ctx,
        claims.claim(new ClaimRequest(task, key, CallerScope.subtree(caller), grant.canonical())),
        outcome -> answer(ctx, outcome, task, grant));
  }

  private void answer(RoutingContext ctx, ClaimOutcome outcome, TaskSpec task, GrantScope scope) {
    if (outcome instanceof Claimed claimed) {
      Responses.then(
          ctx,
          signed(ctx, claimed, task, scope),
          grant ->
              Responses.send(
                  ctx, claimed.replayed() ? 200 : 201, ClaimViews.claimed(claimed, grant)));
      return;
    }
    NotClaimed refused = (NotClaimed) outcome;
    ctx.fail(
        ApiException.of(
            NOT_CLAIMED,
            refused.message(),
            Map.of(
                "task_id", refused.taskId(),
                "reason", refused.reason().code(),
                "counts", new JsonObject(Map.copyOf(refused.counts())),
                "refusals", Views.refusals(refused.refusals()),
                "escalated", refused.escalated())));
  }

  /**
   * The claim's grant, signed on a worker thread: the ES256 signature is the costliest step of a
   * claim in the service (about 0.1 ms of CPU, still the largest share of the service's samples in
   * a JFR profile of the benchmarks' ClaimPathLoad), and on the event loop it would hold up every
   * other request of that loop meanwhile. The claim route is admission-controlled, so the
   * signatures waiting for a worker are bounded by its limit.
   */
  private Future<String> signed(
      RoutingContext ctx, Claimed claimed, TaskSpec task, GrantScope scope) {
    return ctx.vertx().executeBlocking(() -> grants.issue(claimed, task, scope), false);
  }

  private void heartbeat(RoutingContext ctx) {
    Scope within = CallerScope.subtree(Requests.principal(ctx));
    LeaseId lease = lease(ctx, within);
    Fields body = Fields.of(Requests.jsonBody(ctx), HEARTBEAT_FIELDS);
    HeartbeatRequest request = new HeartbeatRequest(lease, agentId(ctx, body), within);
    respond(ctx, 200, claims.heartbeat(request), ClaimViews::heartbeat);
  }

  private void finish(RoutingContext ctx, IdempotencyKey key) {
    Scope within = CallerScope.subtree(Requests.principal(ctx));
    LeaseId lease = lease(ctx, within);
    Fields body = Fields.of(Requests.jsonBody(ctx), FINISH_FIELDS);
    FinishRequest request =
        new FinishRequest(
            lease,
            agentId(ctx, body),
            outcome(body.string("outcome")),
            spend.settledOrNothing(body),
            body.optionalInteger("latency_ms", 0, MAX_LATENCY_MS).map(Duration::ofMillis),
            key,
            within);
    respond(ctx, 200, claims.finish(request), ClaimViews::finished);
  }

  private void costWaste(RoutingContext ctx) {
    String tenant = TenantPath.of(ctx);
    CallerScope.requireTenant(Requests.principal(ctx), tenant);
    respond(ctx, 200, claims.costWaste(tenant), ClaimViews::waste);
  }

  /**
   * The lease named in the path, refused with 403 if it lies in another tenant than the caller's
   * subtree. One in the tenant but outside the subtree is reported as not found by the script,
   * which alone knows the task's scope.
   */
  private static LeaseId lease(RoutingContext ctx, Scope within) {
    LeaseId lease = LeaseId.parse(ctx.pathParam("lease"));
    CallerScope.requireInTenant(within, lease.tenant());
    return lease;
  }

  /** An agent speaks for itself; a dispatcher names the agent it acts for. */
  private static String agentId(RoutingContext ctx, Fields body) {
    Principal caller = Requests.principal(ctx);
    if (caller.hasRole(DISPATCHER)) {
      return body.string("agent_id");
    }
    String named = body.optionalString("agent_id").orElse(caller.subject());
    if (!named.equals(caller.subject())) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "An agent token may only act for its own agent.");
    }
    return caller.subject();
  }

  private static TaskOutcome outcome(String name) {
    for (TaskOutcome outcome : TaskOutcome.values()) {
      if (outcome.wireName().equals(name)) {
        return outcome;
      }
    }
    throw Fields.malformed("outcome", "must be one of succeeded, failed, abandoned");
  }

  private static GrantScope grantScope(JsonObject json) {
    Fields grant = Fields.of(json, "grant.", GRANT_FIELDS);
    return new GrantScope(
        set(grant, "tools"),
        set(grant, "capabilities"),
        set(grant, "credentials"),
        set(grant, "models"),
        grant
            .optionalInt("max_invocations", 1, GrantScope.MAX_INVOCATIONS)
            .orElse(DEFAULT_INVOCATIONS));
  }

  private static Set<String> set(Fields fields, String name) {
    return fields.has(name)
        ? new HashSet<>(strings(fields.array(name), fields.fullName(name)))
        : Set.of();
  }

  private static List<String> strings(JsonArray array, String field) {
    List<String> values = new ArrayList<>(array.size());
    for (Object value : array) {
      if (!(value instanceof String text)) {
        throw Fields.malformed(field, "must be an array of strings");
      }
      values.add(text);
    }
    return values;
  }
}
