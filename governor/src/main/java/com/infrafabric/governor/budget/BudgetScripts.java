package com.infrafabric.governor.budget;

import com.infrafabric.governor.pricing.PricedSpend;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.ReservationId;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.tenant.TenantScripts;
import com.infrafabric.platform.redis.LuaScript;
import com.infrafabric.platform.redis.ScriptArgs;
import com.infrafabric.wire.grant.Grant;
import java.util.List;
import java.util.Optional;

/**
 * The budget engine's Lua scripts ({@code lua/governor/budget/}) and the arguments each takes, by
 * name. All but {@code usage_snapshot} are tenant scripts: {@code budget_lib.lua} comes first, so
 * that the key layout, window handling and ledger format are written once, and their arguments
 * follow {@link TenantScripts#HEADER}.
 */
final class BudgetScripts {

  static final LuaScript RESERVE =
      tenantScript(
          "reserve",
          ScriptArgs.of(
                  "reservation_id",
                  "amount",
                  "expires_at",
                  "model",
                  "pricing_version",
                  "estimated_input_tokens",
                  "estimated_output_tokens",
                  "scope",
                  "holder",
                  "grant_id",
                  "grant_lease",
                  "grant_cap",
                  "grant_until")
              .group("attribution", CallAttribution.FIELDS));
  static final LuaScript COMMIT =
      tenantScript(
          "commit",
          ScriptArgs.of("reservation_id")
              .group("spend", TenantScripts.SPEND)
              .then("subtree", "holder", "charge_ended", "settles")
              .group("attribution", CallAttribution.FIELDS));
  static final LuaScript RELEASE =
      tenantScript(
          "release",
          ScriptArgs.of("reservation_id", "subtree", "holder", "forget_key")
              .group("attribution", CallAttribution.FIELDS));
  static final LuaScript CHARGE =
      tenantScript(
          "charge", ScriptArgs.of("charge_id").group("spend", TenantScripts.SPEND).then("scope"));
  static final LuaScript EXPIRE = tenantScript("expire", ScriptArgs.of("max"));
  static final LuaScript STATUS = tenantScript("status", ScriptArgs.of("scope"));
  static final LuaScript PUT_BUDGET =
      tenantScript("put_budget", ScriptArgs.of("scope", "by").rest("caps"));
  static final LuaScript DELETE_BUDGET =
      tenantScript("delete_budget", ScriptArgs.of("scope", "by"));
  static final LuaScript SET_ZONE = tenantScript("set_zone", ScriptArgs.of("new_zone", "by"));
  static final LuaScript USAGE_SNAPSHOT =
      LuaScript.fromResource(BudgetScripts.class, "governor/budget/usage_snapshot");

  static final List<LuaScript> ALL =
      List.of(
          RESERVE, COMMIT, RELEASE, CHARGE, EXPIRE, STATUS, PUT_BUDGET, DELETE_BUDGET, SET_ZONE);

  private BudgetScripts() {}

  /**
   * Puts {@link #RESERVE}'s arguments: hold {@code estimate} on {@code scope} and its budgeted
   * ancestors as reservation {@code id} of {@code holder} until {@code expiresAt} (epoch
   * milliseconds), under {@code grant} if any (its lease, cost cap and expiry bound the hold). The
   * one writer of them, for the engine and for whatever calls the script raw, so that a new
   * argument is a compile error in each rather than a script refusing a call at run time.
   */
  static void putReserve(
      ScriptArgs.Values args,
      ReservationId id,
      PricedSpend estimate,
      long expiresAt,
      Scope scope,
      ReservationHolder holder,
      Optional<Grant> grant,
      CallAttribution attribution) {
    args.put("reservation_id", id.toString())
        .put("amount", estimate.micros())
        .put("expires_at", expiresAt)
        .put("model", estimate.model())
        .put("pricing_version", estimate.pricingVersion())
        .put("estimated_input_tokens", estimate.usage().inputTokens())
        .put("estimated_output_tokens", estimate.usage().outputTokens())
        .put("scope", scope.path())
        .put("holder", holder.id())
        .put("grant_id", grant.map(Grant::id).orElse(""))
        .put("grant_lease", grant.map(Grant::task).orElse(""))
        .put("grant_cap", grant.map(Grant::costCapMicros).orElse(0L))
        .put("grant_until", grant.map(g -> g.expiresAt().toEpochMilli()).orElse(0L));
    attribution.putArgs(args, "attribution");
  }

  /**
   * Puts {@link #COMMIT}'s arguments: settle reservation {@code id} with {@code actual}, only
   * within {@code subtree} (see {@link Scope#subtreeArg}) and as {@code holder}, pricing what the
   * current catalogue could not at the versions {@code settles} names (see {@link
   * PricingCatalogues#settle}). A service's commit is charged even on a hold that already ended
   * (see {@link ReservationHolder#isService}).
   */
  static void putCommit(
      ScriptArgs.Values args,
      ReservationId id,
      PricedSpend actual,
      String subtree,
      ReservationHolder holder,
      String settles,
      CallAttribution attribution) {
    args.put("reservation_id", id.toString())
        .put("subtree", subtree)
        .put("holder", holder.id())
        .put("charge_ended", holder.isService() ? "1" : "")
        .put("settles", settles);
    actual.putArgs(args, "spend");
    attribution.putArgs(args, "attribution");
  }

  private static LuaScript tenantScript(String name, ScriptArgs args) {
    return TenantScripts.compose(BudgetScripts.class, "governor/budget/" + name, args);
  }
}
