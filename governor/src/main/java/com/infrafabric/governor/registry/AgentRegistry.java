package com.infrafabric.governor.registry;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Fingerprint;
import com.infrafabric.governor.tenant.HashScan;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The capability registry: agents register with a contract an operator signed, and admins drain,
 * disable, reactivate, remove them and reset their breakers. Each change is one atomic script that
 * also keeps the agent's capability indexes (what claims search) in step and appends an {@code
 * agent} entry to the tenant's ledger. Authorising the caller (admin or not) is the REST layer's
 * part; what capabilities an agent has is decided here, by the signature alone. Thread-safe.
 */
public final class AgentRegistry {

  /** The most agents one page holds. */
  public static final int MAX_PAGE_SIZE = 1000;

  /**
   * How many live agents a tenant may hold: ten times what the claim benchmark registers, and a
   * bound on the records, indexes and standings one tenant keeps in the Redis every tenant shares.
   */
  public static final int DEFAULT_MAX_AGENTS_PER_TENANT = 100_000;

  private static final LuaScript PUT =
      agentScript(
          "agent_put",
          ScriptArgs.of(
              "agent_id",
              "capabilities",
              "model",
              "rate",
              "slots",
              "slo_ms",
              "version",
              "contract_fingerprint",
              "contract_expires_at",
              "max_agents",
              "by"));
  private static final LuaScript REMOVE =
      agentScript("agent_remove", ScriptArgs.of("agent_id", "by"));
  private static final LuaScript RESET =
      agentScript("breaker_reset", ScriptArgs.of("agent_id", "by"));
  private static final LuaScript INDEX =
      agentScript("agent_index", ScriptArgs.of("agent_ids", "last"));

  /** How many ids one call of {@code agent_index.lua} lists, so no call holds Redis for long. */
  private static final int INDEX_BATCH = 500;

  private final TenantScripts scripts;
  private final AgentContracts contracts;
  private final RedisStore redis;
  private final Counter resets;
  private final int maxAgentsPerTenant;

  /** The Lua scripts the registry runs (to load at start, check for readiness). */
  public static List<LuaScript> scripts() {
    return List.of(PUT, REMOVE, RESET, INDEX);
  }

  /**
   * @param maxAgentsPerTenant how many live agents one tenant may hold ({@link
   *     #DEFAULT_MAX_AGENTS_PER_TENANT} in service)
   */
  public AgentRegistry(
      TenantScripts scripts,
      AgentContracts contracts,
      RedisStore redis,
      MeterRegistry meters,
      int maxAgentsPerTenant) {
    if (maxAgentsPerTenant < 1) {
      throw new IllegalArgumentException("maxAgentsPerTenant must be positive");
    }
    this.maxAgentsPerTenant = maxAgentsPerTenant;
    this.scripts = scripts;
    this.contracts = contracts;
    this.redis = redis;
    this.resets = BreakerState.transitions(meters, BreakerState.CLOSED.wireName());
  }

  /**
   * Registers the agent a signed contract describes, or replaces its contract by a newer version;
   * repeating the registered contract changes nothing.
   *
   * @param by who registers it (the caller's subject), for the ledger
   * @return the agent as registered; a future failed with {@code CONTRACT_REJECTED}, {@code
   *     INVALID_CONTRACT} or {@code CONTRACT_STALE} if it cannot be
   */
  public Future<Agent> register(String signedContract, String by) {
    return register(signedContract, tenant -> {}, by);
  }

  /**
   * As {@link #register(String, String)}, but first hands the verified contract's tenant to {@code
   * authorize}, which throws to refuse it (the REST layer refuses a tenant its caller does not
   * cover): nothing is stored then.
   */
  public Future<Agent> register(String signedContract, Consumer<String> authorize, String by) {
    return contracts
        .verify(signedContract)
        .compose(
            verified -> {
              authorize.accept(verified.contract().tenant());
              return store(verified, by);
            });
  }

  /**
   * The agent with its standing in each subtree: two reads of the agent's keys (its hash, then its
   * standings), as an admin's view needs no single step.
   */
  public Future<Optional<Agent>> get(String tenant, String agentId) {
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
    String prefix = TenantKeyNames.of(tenant(tenant)).prefix();
    String key = prefix + "a:" + agentId;
    String standings = prefix + "as:" + agentId;
    return redis
        .send(key, Request.cmd(Command.HGETALL).arg(key))
        .compose(
            hash ->
                hash.size() == 0
                    ? Future.succeededFuture(Optional.empty())
                    : redis
                        .send(standings, Request.cmd(Command.HGETALL).arg(standings))
                        .map(subtrees -> Optional.of(agent(tenant, agentId, hash, subtrees))));
  }

  /**
   * The registered agents of {@code tenant} whose id sorts after {@code afterId} (all if null), in
   * id order, at most {@code limit}. The ids come from the tenant's index of registered agents
   * ({@code ZRANGE ... BYLEX}), which a removal leaves in the same step: a page costs reads for its
   * own size, however many agents were ever registered or removed.
   */
  public Future<AgentPage> list(String tenant, String afterId, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "limit " + limit + " is outside 1.." + MAX_PAGE_SIZE);
    }
    String prefix = TenantKeyNames.of(tenant(tenant)).prefix();
    String ids = prefix + "ids";
    Request range =
        Request.cmd(Command.ZRANGE)
            .arg(ids)
            .arg(afterId == null ? "-" : "(" + afterId)
            .arg("+")
            .arg("BYLEX")
            .arg("LIMIT")
            .arg(0)
            .arg(limit + 1);
    return indexBuilt(tenant, prefix)
        .compose(ignored -> redis.send(ids, range))
        .compose(reply -> page(tenant, reply.stream().map(Response::toString).toList(), limit));
  }

  private Future<AgentPage> page(String tenant, List<String> found, int limit) {
    List<String> ids = found.stream().limit(limit).toList();
    Optional<String> next =
        found.size() > limit ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty();
    List<Future<Optional<Agent>>> reads = ids.stream().map(id -> get(tenant, id)).toList();
    return Future.all(reads)
        .map(
            all ->
                new AgentPage(
                    reads.stream().map(Future::result).flatMap(Optional::stream).toList(), next));
  }

  /**
   * Makes sure the id index lists every registered agent: once per tenant, the agents an older
   * layout registered before the index was kept (all named in its version hash, {@code agents}) are
   * added, in batches.
   */
  private Future<Void> indexBuilt(String tenant, String prefix) {
    String built = prefix + "ids:built";
    return redis
        .send(built, Request.cmd(Command.EXISTS).arg(built))
        .compose(
            exists -> {
              if (exists.toInteger() == 1) {
                return Future.succeededFuture();
              }
              List<String> registered = new ArrayList<>();
              return HashScan.scan(
                      redis, prefix + "agents", "*", (id, version) -> registered.add(id))
                  .compose(ignored -> index(tenant, registered, 0));
            });
  }

  private Future<Void> index(String tenant, List<String> ids, int from) {
    int to = Math.min(ids.size(), from + INDEX_BATCH);
    String batch = String.join(",", ids.subList(from, to));
    boolean last = to == ids.size();
    return scripts
        .run(
            tenant,
            INDEX,
            (args, now) -> args.put("agent_ids", batch).put("last", last ? "1" : "0"))
        .compose(ignored -> last ? Future.succeededFuture() : index(tenant, ids, to));
  }

  /**
   * Removes an agent that holds no lease; its contract version is remembered.
   *
   * @param by who removes it (the caller's subject), for the ledger
   */
  public Future<Void> remove(String tenant, String agentId, String by) {
    return change(tenant, agentId, REMOVE, by).mapEmpty();
  }

  /**
   * Closes an agent's breaker by hand and starts its failure count over.
   *
   * @param by who resets it (the caller's subject), for the ledger
   */
  public Future<Agent> resetBreaker(String tenant, String agentId, String by) {
    return change(tenant, agentId, RESET, by)
        .map(
            body -> {
              if (body.getBoolean("reset")) {
                resets.increment();
              }
              return agent(tenant, agentId, body, scripts.clock().instant());
            });
  }

  private Future<Agent> store(VerifiedContract verified, String by) {
    AgentContract contract = verified.contract();
    String fingerprint = Fingerprint.of("agent-contract", contract);
    return scripts
        .run(
            contract.tenant(),
            PUT,
            (args, now) ->
                contract
                    .putArgs(args, fingerprint, verified.expiresAt())
                    .put("max_agents", maxAgentsPerTenant)
                    .put("by", by))
        .map(ScriptReply::orThrow)
        .map(
            reply -> {
              if ("agent_limit".equals(reply.kind())) {
                throw new GovernorException(
                    ErrorCode.AGENT_LIMIT_REACHED,
                    "tenant "
                        + contract.tenant()
                        + " holds as many agents as it may ("
                        + reply.payload()
                        + "); remove one first",
                    Map.of("max_agents", Integer.parseInt(reply.payload())));
              }
              if ("stale".equals(reply.kind())) {
                throw new GovernorException(
                    ErrorCode.CONTRACT_STALE,
                    "agent "
                        + contract.agentId()
                        + " has contract version "
                        + reply.payload()
                        + " registered; a change needs a higher version than "
                        + contract.version(),
                    Map.of("registered_version", Long.parseLong(reply.payload())));
              }
              return agent(
                  contract.tenant(), contract.agentId(), reply.body(), scripts.clock().instant());
            });
  }

  /** Runs a script on one agent, naming who runs it ({@code by}) for the ledger. */
  private Future<JsonObject> change(String tenant, String agentId, LuaScript script, String by) {
    Scope.segment(ErrorCode.INVALID_REQUEST, "agent id", agentId);
    return scripts
        .run(tenant(tenant), script, (args, now) -> args.put("agent_id", agentId).put("by", by))
        .map(reply -> body(reply, agentId));
  }

  /**
   * The agent a script that changed it answers with ({@code {"agent": {...}}}), its subtree
   * breakers as of {@code now}; fails with {@code AGENT_NOT_FOUND} or {@code AGENT_BUSY} for those
   * replies, and with the refusals any tenant script may answer ({@link ScriptReply#orThrow()}:
   * {@code TENANT_WRITE_QUOTA} when the change's ledger entry has no room in the tenant's quota).
   */
  public static Agent changed(String tenant, String agentId, ScriptReply reply, Instant now) {
    return agent(tenant, agentId, body(reply, agentId), now);
  }

  private static JsonObject body(ScriptReply reply, String agentId) {
    switch (reply.kind()) {
      case "agent_not_found" ->
          throw new GovernorException(
              ErrorCode.AGENT_NOT_FOUND, "agent " + agentId + " is not registered");
      case "agent_busy" ->
          throw new GovernorException(
              ErrorCode.AGENT_BUSY,
              "agent " + agentId + " still holds " + reply.payload() + " leases; drain it first",
              Map.of("busy_slots", Integer.parseInt(reply.payload())));
      default -> {
        return reply.orThrow().body();
      }
    }
  }

  private static Agent agent(String tenant, String agentId, JsonObject body, Instant now) {
    Map<String, String> fields = new HashMap<>();
    body.getJsonObject("agent").forEach(e -> fields.put(e.getKey(), (String) e.getValue()));
    return Agent.fromFields(tenant, agentId, fields, now);
  }

  /** The agent from its hash and its standings hash, read as a script's reply puts them. */
  private Agent agent(String tenant, String agentId, Response hash, Response standings) {
    Map<String, String> fields = new HashMap<>();
    hash.getKeys().forEach(name -> fields.put(name, hash.get(name).toString()));
    standings
        .getKeys()
        .forEach(name -> fields.put(Agent.STANDING_FIELD + name, standings.get(name).toString()));
    return Agent.fromFields(tenant, agentId, fields, scripts.clock().instant());
  }

  private static String tenant(String tenant) {
    return Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
  }

  private static LuaScript agentScript(String body, ScriptArgs args) {
    return TenantScripts.compose(
        AgentRegistry.class,
        "governor/registry/" + body,
        args,
        "governor/registry/agent_lib",
        "governor/registry/agent_subtrees");
  }
}
