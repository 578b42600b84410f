package com.infrafabric.governor.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.service.GovernorService;
import com.infrafabric.platform.redis.LuaScript;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Regression: the configuration scripts (put_budget, delete_budget, set_zone, put_policy,
 * agent_put, agent_status, agent_remove, breaker_reset) appended ledger entries without asking the
 * tenant's write quota, as nothing made a script that writes the ledger name its charge. Every
 * tenant script whose own body appends to the ledger now names a {@link RecordCharge} (its charge,
 * or {@code prepaid} for a settlement), every change is appended by {@code record_change()} after
 * {@code quota_refusal(RECORDS.change)}, and a script that names no charge is one of the few listed
 * here with the reason it leaves no record a request pays for: a new script has to choose.
 */
class RecordChargeCoverageTest {

  /** The tenant scripts that name no charge, and why none is due. */
  private static final Map<String, String> UNCHARGED =
      Map.of(
          "expire", "the sweeper's: ends holds whose reserve paid for the expiry's entry",
          "claim_expire", "the sweeper's: ends leases whose claim paid for their lapse",
          "heartbeat", "extends a lease; a lapse it finds was paid for by the claim",
          "status", "reads usage",
          "agent_index", "rebuilds an index of agents already registered, one entry each");

  @Test
  void everyTenantScriptThatWritesTheLedgerNamesItsCharge() {
    Map<String, String> bodies = tenantScriptBodies();
    assertThat(bodies).containsKeys(UNCHARGED.keySet().toArray(String[]::new));
    bodies.forEach(
        (name, body) -> {
          boolean charged = body.contains("RECORDS.");
          assertThat(charged || UNCHARGED.containsKey(name))
              .as(name + " names no RecordCharge and is not listed as uncharged")
              .isTrue();
          if (!charged) {
            assertThat(body)
                .as(name + " is listed as uncharged but appends to the ledger")
                .doesNotContain("append_ledger(", "record_change(", "remember(");
          }
          if (body.contains("record_change(") || body.contains("RECORDS.change")) {
            assertThat(body)
                .as(name + " records a change through record_change(), charged beforehand")
                .contains("quota_refusal(RECORDS.change)", "record_change(")
                .doesNotContain("append_ledger(");
          }
        });
  }

  /**
   * The body of each script built on budget_lib.lua (TenantScripts.compose), by name: what comes
   * after the call's start-up, without the libraries every such script shares.
   */
  private static Map<String, String> tenantScriptBodies() {
    String start = "for i = 1, #CALL_STARTS do CALL_STARTS[i]() end\n";
    Map<String, String> bodies = new TreeMap<>();
    for (LuaScript script : GovernorService.scripts()) {
      String source = script.source();
      if (source.contains("local function quota_refusal(") && source.contains(start)) {
        bodies.put(script.name(), source.substring(source.indexOf(start) + start.length()));
      }
    }
    return bodies;
  }
}
