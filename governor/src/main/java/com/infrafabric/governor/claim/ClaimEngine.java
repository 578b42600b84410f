package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.budget.IdempotencyKey;
import com.infrafabric.governor.budget.ReservationId;
import com.infrafabric.governor.budget.Scope;
import com.infrafabric.governor.budget.ScriptReply;
import com.infrafabric.governor.budget.TenantScripts;
import com.infrafabric.governor.policy.TenantPolicy;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

  private static final LuaScript CLAIM = claimScript("claim");
  private static final LuaScript HEARTBEAT = claimScript("heartbeat");
  private static final LuaScript FINISH = claimScript("finish");
  private static final LuaScript EXPIRE = claimScript("claim_expire");

  private final TenantScripts scripts;
  private final RedisStore redis;
  private final ClaimSettings settings;
  private final ClaimMetrics metrics;

  public ClaimEngine(
      TenantScripts scripts, RedisStore redis, ClaimSettings settings, MeterRegistry meters) {
    this.scripts = Objects.requireNonNull(scripts, "scripts");
    this.redis = Objects.requireNonNull(redis, "redis");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = new ClaimMetrics(meters);
  }

  /** The Lua scripts this engine runs (to load at start, check for readiness). */
  public static List<LuaScript> scripts() {
    return List.of(CLAIM, HEARTBEAT, FINISH, EXPIRE);
  }

  /** Hands the task to the best eligible agent, or says why nobody can have it. */
  public Future<ClaimOutcome> claim(ClaimRequest request) {
    TaskSpec task = request.task();
    ReservationId reservation = TenantScripts.newReservationId(task.tenant());
    String fingerprint =
        TenantScripts.fingerprint(
            "claim",
            task.id(),
            task.scope(),
            task.required().encoded(),
            task.maxCostMicros(),
            task.maxAgents());
    List<String> args =
        args(
            reservation.toString(),
            task.id(),
            task.scope().path(),
            Long.toString(task.maxCostMicros()),
            Integer.toString(task.maxAgents()),
            task.required().encoded(),
            Integer.toString(settings.candidatesPerCapability()));
    return run(
            task.tenant(),
            CLAIM,
            request.idempotencyKey(),
            fingerprint,
            reservation,
            args,
            task.id())
        .map(reply -> ClaimReplies.claim(reply, task))
        .onSuccess(metrics::claim);
  }

  /** Extends a lease by the policy's lease TTL, or says it is lost. */
  public Future<HeartbeatOutcome> heartbeat(HeartbeatRequest request) {
    LeaseId lease = request.lease();
    String fingerprint =
        TenantScripts.fingerprint(
            "heartbeat", lease, request.agentId(), TenantScripts.subtreeArg(request.within()));
    List<String> args = new ArrayList<>(lease.scriptArgs());
    args.add(request.agentId());
    args.add(TenantScripts.subtreeArg(request.within()));
    return run(
            lease.tenant(),
            HEARTBEAT,
            request.idempotencyKey(),
            fingerprint,
            null,
            args(args),
            lease.toString())
        .map(reply -> ClaimReplies.heartbeat(reply, lease));
  }

  /**
   * Ends a claim with its outcome and actual spend: commits the spend, frees the slot, completes
   * the task (or reopens it for another agent) and updates the agent's reputation and breaker.
   */
  public Future<FinishResult> finish(FinishRequest request) {
    LeaseId lease = request.lease();
    String fingerprint =
        TenantScripts.fingerprint(
            "finish",
            lease,
            request.agentId(),
            request.outcome(),
            request.actual(),
            request.latency().toMillis(),
            TenantScripts.subtreeArg(request.within()));
    List<String> args = new ArrayList<>(lease.scriptArgs());
    args.add(request.agentId());
    args.add(request.outcome().wireName());
    args.add(Long.toString(request.latency().toMillis()));
    args.addAll(scripts.spendArgs(request.actual()));
    args.add(TenantScripts.subtreeArg(request.within()));
    return run(
            lease.tenant(),
            FINISH,
            request.idempotencyKey(),
            fingerprint,
            null,
            args(args),
            lease.toString())
        .map(reply -> ClaimReplies.finish(reply, lease))
        .onSuccess(
            result -> {
              if (!result.replayed()) {
                metrics.spend(lease.tenant(), result);
              }
            });
  }

  /**
   * Expires up to {@code max} due leases of {@code tenant} (with their reservations), lets due
   * breakers go half-open, and expires up to {@code max} other due reservations; returns how many
   * leases and reservations it expired. The sweeper's step: {@code new ReservationSweeper(redis,
   * tenantsPerTick, tenant -> claims.expireDue(tenant, 100))}.
   */
  public Future<Integer> expireDue(String tenant, int max) {
    Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
    return run(tenant, EXPIRE, null, "", null, args(List.of(Integer.toString(max))), tenant)
        .map(reply -> Integer.parseInt(reply.body().getString("expired")));
  }

  /** The tenant's claim spend and the wasted part of it, across every governor process. */
  public Future<CostWaste> costWaste(String tenant) {
    String key =
        TenantScripts.tenantPrefix(Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant))
            + "waste";
    return redis
        .send(Request.cmd(Command.HMGET).arg(key).arg("total").arg("wasted"))
        .map(values -> new CostWaste(tenant, number(values.get(0)), number(values.get(1))));
  }

  private Future<ScriptReply> run(
      String tenant,
      LuaScript script,
      IdempotencyKey key,
      String fingerprint,
      ReservationId reservation,
      List<String> args,
      String subject) {
    return scripts
        .run(tenant, script, key, fingerprint, reservation, args)
        .map(reply -> ClaimReplies.checked(reply, subject))
        .onSuccess(
            reply -> {
              if (!reply.replayed()) {
                metrics.sideEffects(reply.body());
              }
            });
  }

  /** The claim scripts' header (the default policy, the lazy batch), then {@code own}. */
  private List<String> args(String... own) {
    return args(List.of(own));
  }

  private List<String> args(List<String> own) {
    List<String> args = new ArrayList<>(TenantPolicy.DEFAULTS.scriptValues());
    args.add(Integer.toString(settings.lazyBatch()));
    args.addAll(own);
    return args;
  }

  private static long number(Response value) {
    return value == null ? 0 : value.toLong();
  }

  private static LuaScript claimScript(String body) {
    return TenantScripts.compose(ClaimEngine.class, body, "agent_lib", "claim_score", "claim_lib");
  }
}
