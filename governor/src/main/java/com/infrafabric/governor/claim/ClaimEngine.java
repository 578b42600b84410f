package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.registry.Agent;
import com.infrafabric.governor.registry.AgentRegistry;
import com.infrafabric.governor.registry.AgentStatus;
import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.SpendMetrics;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Hands tasks to agents: claim, heartbeat, finish, and lease expiry.
 *
 * <p>A claim is one Lua script execution on the task's tenant: it checks the task (not owned, not
 * completed, fewer owners so far than the policy's max agents), ranks the available agents
 * (capability match at least the policy minimum, free slot, active, breaker closed, cost within the
 * task's max cost) by match x reputation / cost, holds the chosen agent's cost on the task's scope
 * with the budget's own {@code hold()}, and records owner, lease and slot, all or nothing. Two
 * claims, from any number of governor processes sharing the Redis, can therefore never own one task
 * twice or put an agent over its slots, and a claim that is refused changes nothing. The search
 * reads a bounded top-K of each required capability's index of available agents (see {@link
 * ClaimSettings}), so its cost does not grow with the number of agents.
 *
 * <p>Leases that nobody heartbeats expire (lazily in every call of the tenant, and by the sweeper
 * through {@link #expireDue}): the reservation is released through the budget's expiry, the slot is
 * freed, the task can be claimed again, and the ledger records it. Finishing commits the actual
 * spend through the budget's commit.
 *
 * <p>Redis failures fail closed ({@link com.infrafabric.platform.redis.RedisUnavailableException});
 * a retry with the same idempotency key is safe. Invalid requests and calls on leases that are not
 * the caller's fail with {@link com.infrafabric.governor.GovernorException}. Thread-safe.
 */
public final class ClaimEngine {

  /**
   * The arguments every claim script reads after the tenant header ({@code claim_lib.lua}): the
   * default policy, for fields the tenant's policy lacks, the lazy expiry batch and the task
   * retention (ms).
   */
  static final ScriptArgs COMMON =
      ScriptArgs.NONE
          .group("policy", TenantPolicy.SCRIPT_FIELDS)
          .then("lazy_batch", "task_retention");

  /**
   * The default policy as {@link #COMMON}'s policy group, by argument name: the same on every call,
   * so built once rather than per call.
   */
  private static final Map<String, String> DEFAULT_POLICY_ARGS = defaultPolicyArgs();

  static final LuaScript CLAIM =
      claimScript(
          "claim",
          COMMON.then(
              "reservation_id",
              "task_id",
              "scope",
              "max_cost",
              "max_agents",
              "required",
              "candidates",
              "subtree",
              "pricing_version"));
  static final LuaScript HEARTBEAT =
      claimScript("heartbeat", COMMON.then("task_id", "lease", "agent_id", "subtree"));
  static final LuaScript FINISH =
      claimScript(
          "finish",
          COMMON
              .then("task_id", "lease", "agent_id", "outcome", "latency_ms")
              .group("spend", TenantScripts.SPEND)
              .then("subtree", "settles"));
  static final LuaScript EXPIRE = claimScript("claim_expire", COMMON.then("max"));
  static final LuaScript STATUS =
      claimScript("agent_status", COMMON.then("agent_id", "status", "by"));

  private final TenantScripts scripts;
  private final PricingCatalogues pricing;
  private final RedisStore redis;
  private final ClaimSettings settings;
  private final ClaimMetrics metrics;
  private final SpendMetrics spend;

  /**
   * @param pricing the pricing catalogue: a claim records its current version, at which its
   *     finish's tokens are priced
   */
  public ClaimEngine(
      TenantScripts scripts,
      PricingCatalogues pricing,
      RedisStore redis,
      ClaimSettings settings,
      MeterRegistry meters) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.pricing = Objects.requireNonNull(pricing, "pricing");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = new ClaimMetrics(meters);
    this.spend = new SpendMetrics(meters);
  }

  /** The Lua scripts this engine runs (to load at start, check for readiness). */
  public static List<LuaScript> scripts() {
    return List.of(CLAIM, HEARTBEAT, FINISH, EXPIRE, STATUS);
  }

  /** Hands the task to the best eligible agent, or says why nobody can have it. */
  public Future<ClaimOutcome> claim(ClaimRequest request) {
    TaskSpec task = request.task();
    ReservationId reservation = ReservationId.generate(task.tenant());
    String subtree = Scope.subtreeArg(request.within());
    String fingerprint =
        Fingerprint.of(
            "claim",
            task.id(),
            task.scope(),
            task.required().encoded(),
            task.maxCostMicros(),
            task.maxAgents(),
            subtree,
            request.grantTerms());
    return run(
            task.tenant(),
            CLAIM,
            request.idempotencyKey(),
            fingerprint,
            reservation,
            args ->
                putClaim(
                    args,
                    reservation,
                    task,
                    settings.candidatesPerCapability(),
                    subtree,
                    pricing.get().version()),
            reply -> ClaimReplies.claimChecked(reply, task),
            (reply, body) -> ClaimReplies.claim(reply, body, task))
        .onSuccess(metrics::claim);
  }

  /** Extends a lease by the policy's lease TTL, or says it is lost. */
  public Future<HeartbeatOutcome> heartbeat(HeartbeatRequest request) {
    LeaseId lease = request.lease();
    String subtree = Scope.subtreeArg(request.within());
    String fingerprint = Fingerprint.of("heartbeat", lease, request.agentId(), subtree);
    return run(
        lease.tenant(),
        HEARTBEAT,
        null,
        fingerprint,
        null,
        args -> {
          lease.putArgs(args);
          args.put("agent_id", request.agentId()).put("subtree", subtree);
        },
        reply -> ClaimReplies.leaseChecked(reply, lease),
        (reply, body) -> ClaimReplies.heartbeat(reply, body, lease));
  }

  /**
   * Ends a claim with its outcome and actual spend: commits the spend, frees the slot, completes
   * the task (or reopens it for another agent) and updates the agent's reputation and breaker.
   * Tokens are priced at the catalogue version that was current when the task was claimed (see
   * {@link PricingCatalogues#settle}).
   */
  public Future<FinishResult> finish(FinishRequest request) {
    LeaseId lease = request.lease();
    String subtree = Scope.subtreeArg(request.within());
    String fingerprint =
        Fingerprint.of(
            "finish",
            lease,
            request.agentId(),
            request.outcome(),
            request.actual(),
            request.latency().map(Duration::toMillis).orElse(-1L),
            subtree);
    Future<ScriptReply> finished =
        pricing.settle(
            request.actual(),
            (actual, settles) ->
                runScript(
                    lease.tenant(),
                    FINISH,
                    request.idempotencyKey(),
                    fingerprint,
                    null,
                    args ->
                        putFinish(
                            args,
                            lease,
                            request.agentId(),
                            request.outcome(),
                            request.latency(),
                            actual,
                            subtree,
                            settles)));
    return read(
            finished,
            reply -> ClaimReplies.leaseChecked(reply, lease),
            (reply, body) -> ClaimReplies.finish(reply, body, lease))
        .onSuccess(
            result -> {
              spend.finish(
                  result.replayed(), lease.tenant(), result.actualMicros(), request.actual());
              if (!result.replayed()) {
                metrics.spend(lease.tenant(), result);
              }
            });
  }

  /**
   * Drains, disables or reactivates an agent. Draining lets its leases run on; disabling ends them
   * at once, in the same step (state {@code agent_disabled}: their reservations given back, their
   * tasks open to other agents, no failure on the agent's record), so re-enabling revives none.
   *
   * @param by who changes it (the caller's subject), for the ledger
   */
  public Future<Agent> setAgentStatus(
      String tenant, String agentId, AgentStatus status, String by) {
    Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
    return scripts
        .run(
            tenant,
            STATUS,
            null,
            "",
            null,
            (args, now) -> {
              putCommon(args, settings);
              args.put("agent_id", agentId).put("status", status.wireName()).put("by", by);
            })
        .map(reply -> AgentRegistry.changed(tenant, agentId, reply, scripts.clock().instant()));
  }

  /**
   * Expires up to {@code max} due leases of {@code tenant} (with their reservations), lets due
   * breakers go half-open, takes agents whose contract expired out of the available indexes, and
   * expires up to {@code max} other due reservations; returns how many leases and reservations it
   * expired. The sweeper's step: {@code new ReservationSweeper(redis, tenantsPerTick, tenant ->
   * claims.expireDue(tenant, 100))}.
   */
  public Future<Integer> expireDue(String tenant, int max) {
    Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
    return run(
        tenant,
        EXPIRE,
        null,
        "",
        null,
        args -> args.put("max", max),
        ScriptReply::orThrow,
        (reply, body) -> Integer.parseInt(body.getString("expired")));
  }

  /** The tenant's claim spend and the wasted part of it, across every governor process. */
  public Future<CostWaste> costWaste(String tenant) {
    String key =
        TenantKeyNames.of(Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant)).prefix()
            + "waste";
    return redis
        .send(key, Request.cmd(Command.HMGET).arg(key).arg("total").arg("wasted"))
        .map(values -> new CostWaste(tenant, number(values.get(0)), number(values.get(1))));
  }

  /**
   * Runs a claim script, throws its refusals with {@code refusals} (which knows what the call is
   * on, so each error names the task, lease or scope it is about) and reads its reply with {@code
   * read}, given the reply's JSON body, which is parsed once for the side effects' meters and the
   * outcome both.
   */
  private <T> Future<T> run(
      String tenant,
      LuaScript script,
      IdempotencyKey key,
      String fingerprint,
      ReservationId reservation,
      Consumer<ScriptArgs.Values> own,
      UnaryOperator<ScriptReply> refusals,
      BiFunction<ScriptReply, JsonObject, T> read) {
    return read(runScript(tenant, script, key, fingerprint, reservation, own), refusals, read);
  }

  /** Runs a claim script with {@link #COMMON} and its own arguments. */
  private Future<ScriptReply> runScript(
      String tenant,
      LuaScript script,
      IdempotencyKey key,
      String fingerprint,
      ReservationId reservation,
      Consumer<ScriptArgs.Values> own) {
    return scripts.run(
        tenant,
        script,
        key,
        fingerprint,
        reservation,
        (args, now) -> {
          putCommon(args, settings);
          own.accept(args);
        });
  }

  /** Throws a script's refusals with {@code refusals} and reads its reply with {@code read}. */
  private <T> Future<T> read(
      Future<ScriptReply> replies,
      UnaryOperator<ScriptReply> refusals,
      BiFunction<ScriptReply, JsonObject, T> read) {
    return replies.map(
        reply -> {
          ScriptReply checked = refusals.apply(reply);
          JsonObject body = checked.body();
          if (!checked.replayed()) {
            metrics.sideEffects(body);
          }
          return read.apply(checked, body);
        });
  }

  /** Fills {@link #COMMON}: the default policy, the lazy batch and the task retention. */
  static void putCommon(ScriptArgs.Values args, ClaimSettings settings) {
    DEFAULT_POLICY_ARGS.forEach(args::put);
    args.put("lazy_batch", settings.lazyBatch())
        .put("task_retention", settings.taskRetention().toMillis());
  }

  /**
   * Puts {@link #CLAIM}'s own arguments (after {@link #COMMON}): hand {@code task} to the best of
   * {@code candidates} per capability, reserving as {@code reservation} within {@code subtree} (see
   * {@link Scope#subtreeArg}), recording {@code pricingVersion} for its finish. The one writer of
   * them, for the engine and for whatever calls the script raw, so that a new argument is a compile
   * error in each rather than a script refusing a call at run time.
   */
  static void putClaim(
      ScriptArgs.Values args,
      ReservationId reservation,
      TaskSpec task,
      int candidates,
      String subtree,
      long pricingVersion) {
    args.put("reservation_id", reservation.toString())
        .put("task_id", task.id())
        .put("scope", task.scope().path())
        .put("max_cost", task.maxCostMicros())
        .put("max_agents", task.maxAgents())
        .put("required", task.required().encoded())
        .put("candidates", candidates)
        .put("subtree", subtree)
        .put("pricing_version", pricingVersion);
  }

  /**
   * Puts {@link #FINISH}'s own arguments (after {@link #COMMON}): end {@code lease}, held by {@code
   * agentId}, with {@code outcome} after {@code latency} (empty: not reported), spending {@code
   * actual} (priced as {@link #putClaim} and {@link PricingCatalogues#settle} say, {@code settles})
   * within {@code subtree}. The one writer of them, as {@link #putClaim} is of the claim's.
   */
  static void putFinish(
      ScriptArgs.Values args,
      LeaseId lease,
      String agentId,
      TaskOutcome outcome,
      Optional<Duration> latency,
      PricedSpend actual,
      String subtree,
      String settles) {
    lease.putArgs(args);
    args.put("agent_id", agentId)
        .put("outcome", outcome.wireName())
        .put("latency_ms", latency.map(d -> Long.toString(d.toMillis())).orElse(""))
        .put("subtree", subtree)
        .put("settles", settles);
    actual.putArgs(args, "spend");
  }

  private static Map<String, String> defaultPolicyArgs() {
    Map<String, String> args = new LinkedHashMap<>();
    TenantPolicy.DEFAULTS
        .scriptFields()
        .forEach((field, value) -> args.put("policy." + field, value));
    return Collections.unmodifiableMap(args);
  }

  private static long number(Response value) {
    return value == null ? 0 : value.toLong();
  }

  private static LuaScript claimScript(String body, ScriptArgs args) {
    return TenantScripts.compose(
        ClaimEngine.class,
        "governor/claim/" + body,
        args,
        "governor/registry/agent_lib",
        "governor/registry/agent_subtrees",
        "governor/claim/claim_score",
        "governor/claim/claim_lib");
  }
}
