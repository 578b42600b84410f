package com.infrafabric.governor.budget;

import com.infrafabric.platform.redis.LuaScript;
import java.util.List;

/**
 * The budget engine's Lua scripts, each prefixed with the shared {@code budget_lib.lua} so that the
 * key layout, window handling and ledger format are written once.
 */
final class BudgetScripts {

  static final LuaScript RESERVE = withLibrary("reserve");
  static final LuaScript COMMIT = withLibrary("commit");
  static final LuaScript RELEASE = withLibrary("release");
  static final LuaScript CHARGE = withLibrary("charge");
  static final LuaScript EXPIRE = withLibrary("expire");
  static final LuaScript STATUS = withLibrary("status");
  static final LuaScript PUT_BUDGET = LuaScript.fromResource(BudgetScripts.class, "put_budget");

  static final List<LuaScript> ALL =
      List.of(RESERVE, COMMIT, RELEASE, CHARGE, EXPIRE, STATUS, PUT_BUDGET);

  private BudgetScripts() {}

  private static LuaScript withLibrary(String name) {
    return TenantScripts.compose(BudgetScripts.class, name);
  }
}
