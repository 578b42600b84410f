package com.infrafabric.governor.budget;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.HashScan;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.ScriptReply;
import com.infrafabric.governor.tenant.TenantKeyNames;
import com.infrafabric.governor.tenant.Window;
import com.infrafabric.platform.redis.RedisStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Defines caps (the operator's side of budgets) and reads the spend status of scopes.
 *
 * <p>Replacing a budget changes caps only: spend already recorded stays, so lowering a cap below
 * current spend denies new reservations at once and raising it frees room at once. Thread-safe.
 */
public final class Budgets {

  /** The most budgets one page holds. */
  public static final int MAX_PAGE_SIZE = 1000;

  private final RedisStore redis;
  private final BudgetEngine engine;
  private final Reservations reservations;

  public Budgets(RedisStore redis, BudgetEngine engine) {
    this.redis = redis;
    this.engine = engine;
    this.reservations = new Reservations(redis);
  }

  /** The reservation records of the budgets' scopes, for listing. */
  public Reservations reservations() {
    return reservations;
  }

  /**
   * Creates or replaces the caps of {@code budget.scope()}, registers its tenant and records the
   * change in the ledger (a {@code budget} entry naming {@code by} and the new limits). A scope new
   * to the tenant counts among its scopes as one a spend first counts does: the future fails with
   * {@code SCOPE_LIMIT} when the tenant, or a subtree the scope lies in, holds its share already.
   * The marks (thresholds, the cap itself) the new caps put behind the spend already counted in
   * their current windows fire at once, each once, as a spend crossing them would have: a cap
   * lowered to or below the spend, or a cap of 0 once anything was spent, is reached now. The
   * change is charged its ledger entry against the tenant's write quota ({@code TENANT_WRITE_QUOTA}
   * when it has no room); putting the caps the scope has already changes, records and is charged
   * nothing.
   *
   * @param by who makes the change (the caller's subject), for the ledger
   */
  public Future<Void> put(Budget budget, String by) {
    Scope scope = budget.scope();
    List<String> caps = new ArrayList<>();
    budget
        .limits()
        .forEach(
            (window, limit) -> {
              caps.add(window.wireName());
              caps.add(encode(limit));
            });
    return registerTenant(scope.tenant())
        .compose(
            ignored ->
                engine
                    .tenantScripts()
                    .run(
                        scope.tenant(),
                        BudgetScripts.PUT_BUDGET,
                        (values, now) ->
                            values.put("scope", scope.path()).put("by", by).rest(caps)))
        .map(ScriptReply::orThrow)
        .mapEmpty();
  }

  /** The caps of exactly this scope, if it has a budget. */
  public Future<Optional<Budget>> get(Scope scope) {
    Request read = Request.cmd(Command.HMGET).arg(TenantKeyNames.of(scope.tenant()).config());
    capFields(scope).forEach(read::arg);
    return redis
        .send(TenantKeyNames.of(scope.tenant()).config(), read)
        .map(values -> parse(scope, values));
  }

  /**
   * The budgets of {@code within} and its subtree whose scope sorts after {@code after} (all if
   * null), in scope order, at most {@code limit}. The tenant's caps are read with {@code HSCAN} in
   * chunks, keeping only the {@code limit + 1} first scopes, so a page costs memory for its own
   * size whatever the tenant holds.
   */
  public Future<BudgetPage> list(Scope within, Scope after, int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new GovernorException(
          ErrorCode.INVALID_REQUEST, "limit " + limit + " is outside 1.." + MAX_PAGE_SIZE);
    }
    BudgetScan scan = new BudgetScan(within, after == null ? null : after.path(), limit);
    String config = TenantKeyNames.of(within.tenant()).config();
    String match = HashScan.literal(within.path()) + "*|*";
    return HashScan.scan(redis, config, match, scan::offer).map(ignored -> scan.page());
  }

  /**
   * Removes the caps of this scope (its recorded spend stays) and records the removal in the ledger
   * (a {@code budget} entry naming {@code by}); true if it had a budget.
   */
  public Future<Boolean> delete(Scope scope, String by) {
    return engine
        .tenantScripts()
        .run(
            scope.tenant(),
            BudgetScripts.DELETE_BUDGET,
            (values, now) -> values.put("scope", scope.path()).put("by", by))
        .map(reply -> "1".equals(reply.orThrow().payload()));
  }

  /**
   * Sets the zone a tenant's day and month windows follow (UTC by default) and records the change
   * in the ledger (a {@code zone} entry naming {@code by}), until something was counted in them: a
   * day or month window is named by its date in the zone, so moving the zone under counted spend or
   * holds would start a window afresh (forgiving what today had spent) or reopen an old one. The
   * first hold or spend anywhere in the tenant fixes the zone (deleting budgets or releasing holds
   * leaves the counters as they were); a budget alone counts nothing, so putting one does not, and
   * a subtree's admin cannot fix the tenant's zone with one. Setting the zone the tenant has is a
   * no-op.
   *
   * <p>The future fails with {@code ZONE_IN_USE} if something was counted and the zone differs, and
   * with {@code TENANT_WRITE_QUOTA} if the tenant's write quota has no room for the change's ledger
   * entry.
   */
  public Future<Void> setZone(String tenant, String zoneId, String by) {
    ZoneId zone = zone(zoneId);
    String checked = new Scope(List.of(tenant)).tenant();
    return registerTenant(checked)
        .compose(
            ignored ->
                engine
                    .tenantScripts()
                    .run(
                        checked,
                        BudgetScripts.SET_ZONE,
                        (values, now) -> values.put("new_zone", zone.getId()).put("by", by)))
        .map(ScriptReply::orThrow)
        .map(
            reply -> {
              if ("zone_in_use".equals(reply.kind())) {
                throw new GovernorException(
                    ErrorCode.ZONE_IN_USE,
                    "tenant "
                        + tenant
                        + " has counted spend or holds, so its zone stays "
                        + reply.payload()
                        + ": moving it would move the day and month windows under them",
                    Map.of("zone", reply.payload()));
              }
              return (Void) null;
            })
        .onSuccess(ignored -> engine.tenantScripts().learnZone(tenant, zone));
  }

  /** Spend, holds and caps of a scope and each ancestor in the current windows, root first. */
  public Future<List<UsageStatus>> status(Scope scope) {
    return engine
        .tenantScripts()
        .run(scope.tenant(), BudgetScripts.STATUS, (args, now) -> args.put("scope", scope.path()))
        .map(reply -> usage(reply.orThrow()));
  }

  private Future<Void> registerTenant(String tenant) {
    return redis
        .send(
            TenantKeyNames.TENANTS,
            Request.cmd(Command.SADD).arg(TenantKeyNames.TENANTS).arg(tenant))
        .mapEmpty();
  }

  private static ZoneId zone(String zoneId) {
    try {
      return ZoneId.of(zoneId);
    } catch (DateTimeException | NullPointerException e) {
      throw new GovernorException(
          ErrorCode.INVALID_BUDGET,
          "zone '" + zoneId + "' is not a known time zone (e.g. UTC, Europe/Paris)",
          Map.of("field", "zone"));
    }
  }

  /** The config field of each window, in {@link Window} order. */
  private static List<String> capFields(Scope scope) {
    return Arrays.stream(Window.values()).map(w -> TenantKeyNames.capField(scope, w)).toList();
  }

  /** {@code cap} or {@code cap;pct,pct}, as {@code budget_lib.lua} reads it. */
  private static String encode(Limit limit) {
    String cap = Long.toString(limit.capMicros());
    return limit.thresholdPercents().isEmpty()
        ? cap
        : cap
            + ';'
            + limit.thresholdPercents().stream()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
  }

  private static Optional<Budget> parse(Scope scope, Response values) {
    Map<Window, Limit> limits = new EnumMap<>(Window.class);
    for (Window window : Window.values()) {
      Response value = values.get(window.ordinal());
      if (value != null) {
        limits.put(window, decode(value.toString()));
      }
    }
    return limits.isEmpty() ? Optional.empty() : Optional.of(new Budget(scope, limits));
  }

  static Limit decode(String value) {
    String[] parts = value.split(";", 2);
    List<Integer> percents =
        parts.length == 1
            ? List.of()
            : Arrays.stream(parts[1].split(",")).map(Integer::valueOf).toList();
    return new Limit(Long.parseLong(parts[0]), percents);
  }

  private static List<UsageStatus> usage(ScriptReply reply) {
    JsonArray layers = reply.body().getJsonArray("layers");
    List<UsageStatus> statuses = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      JsonObject entry = layers.getJsonObject(i);
      Window window = Window.fromWireName(entry.getString("window"));
      String cap = entry.getString("cap");
      statuses.add(
          new UsageStatus(
              Scope.parse(entry.getString("scope")),
              window,
              cap.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(cap)),
              Long.parseLong(entry.getString("spent")),
              Long.parseLong(entry.getString("reserved")),
              new TokenTotals(
                  Long.parseLong(entry.getString("tin")),
                  Long.parseLong(entry.getString("tcin")),
                  Long.parseLong(entry.getString("tout"))),
              reply.windows().resetsAt(window)));
    }
    return statuses;
  }
}
