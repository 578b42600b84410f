package com.infrafabric.governor.policy;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.RedisStore;
import com.infrafabric.platform.redis.ScriptArgs;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores and reads tenant policies. A tenant without a stored policy has {@link
 * TenantPolicy#DEFAULTS}. Replacing a policy is one atomic step; claims that run after it see all
 * of the new policy, claims before it all of the old. Thread-safe.
 */
public final class TenantPolicies {

  private static final LuaScript PUT =
      TenantScripts.compose(
          TenantPolicies.class, "governor/policy/put_policy", ScriptArgs.of("by").rest("fields"));

  private final RedisStore redis;
  private final TenantScripts scripts;

  /** The Lua script policies are written with (to load at start, check for readiness). */
  public static LuaScript script() {
    return PUT;
  }

  public TenantPolicies(RedisStore redis, TenantScripts scripts) {
    this.redis = redis;
    this.scripts = scripts;
  }

  /**
   * Replaces the policy of {@code tenant} and records the change in the ledger (a {@code policy}
   * entry naming {@code by}, the caller's subject, and the new policy's stored fields), charged
   * against the tenant's write quota ({@code TENANT_WRITE_QUOTA} when it has no room); the policy
   * the tenant has already, put again, changes, records and is charged nothing.
   */
  public Future<Void> put(String tenant, TenantPolicy policy, String by) {
    List<String> args = new ArrayList<>();
    policy
        .fields()
        .forEach(
            (name, value) -> {
              args.add(name);
              args.add(value);
            });
    String checked = Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
    return scripts
        .run(checked, PUT, (values, now) -> values.put("by", by).rest(args))
        .map(ScriptReply::orThrow)
        .mapEmpty();
  }

  /** The policy of {@code tenant}, or the defaults if it has none. */
  public Future<TenantPolicy> get(String tenant) {
    return redis
        .send(key(tenant), Request.cmd(Command.HGETALL).arg(key(tenant)))
        .map(TenantPolicies::fields)
        .map(TenantPolicy::fromFields);
  }

  private static String key(String tenant) {
    return TenantKeyNames.of(Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant)).prefix()
        + "policy";
  }

  private static Map<String, String> fields(Response hash) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : hash.getKeys()) {
      fields.put(name, hash.get(name).toString());
    }
    return fields;
  }
}
