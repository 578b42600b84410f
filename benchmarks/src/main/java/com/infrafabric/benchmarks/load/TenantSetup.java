package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.BenchmarkCall;
import com.infrafabric.governor.pricing.PricingCatalogues;
import com.infrafabric.governor.tenant.Money;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The tenant every load run charges, set up through the REST API as an operator would: the
 * benchmark call's model in the pricing catalogue, and the tenant {@value #TENANT} and its project
 * {@value #PROJECT} each budgeted with day, month and lifetime caps. Agents and the raw baseline
 * charge scopes beneath the project, so every charge checks and updates two budgeted layers. The
 * caps are the largest allowed, so no charge is ever denied: a denial ends the charge path early
 * and would flatter it.
 */
final class TenantSetup {

  static final String TENANT = "bench";
  static final String PROJECT = "bench/project";

  /** The scope the raw baseline charges. */
  static final String RAW_SCOPE = PROJECT + "/raw";

  private TenantSetup() {}

  /** The scope of agent number {@code index}. */
  static String agentScope(int index) {
    return PROJECT + "/agent-" + index;
  }

  /**
   * Publishes the price of {@code call}'s model (as a platform admin) and the budgets (as the
   * tenant's admin); returns the catalogue version.
   */
  static long provision(
      LoadClient client, String platformAdmin, String tenantAdmin, BenchmarkCall call) {
    JsonObject pricing =
        client.call(
            () ->
                client.put(
                    "/v1/pricing",
                    platformAdmin,
                    new JsonObject().put("models", PricingCatalogues.toJson(List.of(call.model()))),
                    200));
    for (String scope : List.of(TENANT, PROJECT)) {
      client.call(
          () -> client.put("/v1/budgets/" + scope.replace("/", "%2F"), tenantAdmin, caps(), 200));
    }
    return pricing.getLong("version");
  }

  /**
   * Lets an agent holding half of a task's required capabilities claim it (as an admin of the
   * tenant), so a task requiring two finds candidates in both capabilities' indexes.
   */
  static void claimPolicy(LoadClient client, String tenantAdmin) {
    client.call(
        () ->
            client.put(
                "/v1/tenants/" + TENANT + "/policy",
                tenantAdmin,
                new JsonObject().put("min_match_permille", 500),
                200));
  }

  private static JsonObject caps() {
    JsonObject cap = new JsonObject().put("cap_micros", Money.MAX_MICROS);
    return new JsonObject()
        .put("limits", new JsonObject().put("day", cap).put("month", cap).put("lifetime", cap));
  }
}
