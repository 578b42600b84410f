package com.infrafabric.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads back what the services recorded (spend per scope, ledger, reconciliation, cost waste),
 * prints the summary, and checks the invariants the demo exists to show. Every figure comes from
 * the services' own answers, never from what the scenario meant to do.
 */
final class DemoReport {

  private static final List<String> SCOPES =
      List.of(
          "demo",
          "demo/research",
          "demo/security",
          "demo/overspend",
          DemoGatewayAgent.SCOPE,
          "demo/bench");

  private final DemoRun run;
  private final ApiClient governor;
  private final String auditor;
  private final SearchApi search;
  private final String secret;
  private final Map<String, Boolean> invariants = new LinkedHashMap<>();

  DemoReport(DemoRun run, ApiClient governor, String auditor, SearchApi search, String secret) {
    this.run = run;
    this.governor = governor;
    this.auditor = auditor;
    this.search = search;
    this.secret = secret;
  }

  /** Prints the summary; returns true if every invariant holds. */
  boolean print(PrintStream out) {
    out.println();
    out.println("== InfraFabric end-to-end demo ==");
    printTasks(out);
    List<JsonObject> layers = printSpend(out);
    printDenials(out);
    printGateway(out);
    JsonObject waste = governor.get("/v1/tenants/demo/cost-waste", auditor).body();
    out.printf(
        "%nCost waste: %.1f%% (%d of %d micro-dollars on failed, expired or abandoned tasks)%n",
        100 * waste.getDouble("waste_ratio", 0.0),
        waste.getLong("wasted_micros", 0L),
        waste.getLong("total_micros", 0L));
    printLatency(out, run.latency);
    check(layers);
    out.printf("%nInvariants%n");
    invariants.forEach((name, held) -> out.println("  " + (held ? "PASS" : "FAIL") + "  " + name));
    boolean all = invariants.values().stream().allMatch(Boolean::booleanValue);
    out.println(all ? "\nAll invariants hold." : "\nSome invariants do NOT hold.");
    return all;
  }

  private void printTasks(PrintStream out) {
    out.printf("%nTasks (claimed by the governor, run in the chassis under the claim's grant)%n");
    out.printf(
        "  %-5s %-10s %-13s %-10s %-16s %9s %7s  %s%n",
        "task", "tool", "agent", "claim", "outcome", "llm µ$", "fee µ$", "detail");
    run.tasks.stream()
        .sorted((a, b) -> a.task().compareTo(b.task()))
        .forEach(
            t ->
                out.printf(
                    "  %-5s %-10s %-13s %-10s %-16s %9d %7d  %s%n",
                    t.task(),
                    t.tool(),
                    t.agent(),
                    t.claim(),
                    t.outcome(),
                    t.llmCostMicros(),
                    t.feeMicros(),
                    shorten(t.detail())));
  }

  private List<JsonObject> printSpend(PrintStream out) {
    out.printf("%nSpend per scope (micro-dollars)%n");
    out.printf(
        "  %-16s %-9s %12s %10s %9s %12s%n",
        "scope", "window", "cap", "spent", "reserved", "remaining");
    List<JsonObject> capped = new ArrayList<>();
    for (String scope : SCOPES) {
      JsonArray layers =
          governor
              .get("/v1/budgets/" + scope.replace("/", "%2F") + "/status", auditor)
              .body()
              .getJsonArray("layers", new JsonArray());
      for (int i = 0; i < layers.size(); i++) {
        JsonObject layer = layers.getJsonObject(i);
        if (layer.getString("scope").equals(scope) && layer.containsKey("cap_micros")) {
          capped.add(layer);
          out.printf(
              "  %-16s %-9s %12d %10d %9d %12d%n",
              scope,
              layer.getString("window"),
              layer.getLong("cap_micros"),
              layer.getLong("spent_micros"),
              layer.getLong("reserved_micros"),
              layer.getLong("remaining_micros"));
        }
      }
    }
    return capped;
  }

  private void printDenials(PrintStream out) {
    out.printf("%nDenied attempts and why%n");
    run.denials.forEach(d -> out.println("  - " + d.attempt() + ": " + d.reason()));
    JsonObject escape = run.invocations.getOrDefault("x-01", new JsonObject());
    out.println(
        "  - escape tool, metadata service and credential echo: "
            + escapeLogs(escape)
            + "; the echo showed the key as "
            + echoedKey(escape)
            + "; stopped with "
            + escape.getString("outcome", "?"));
    run.tasks.stream()
        .filter(t -> t.tool().equals("overspend"))
        .forEach(
            t ->
                out.println(
                    "  - overspend tool, repeated large completions: " + shorten(t.detail())));
  }

  private void printGateway(PrintStream out) {
    DemoGatewayAgent.Outcome gateway = run.gateway;
    out.printf(
        "%nAgent outside the sandbox (OpenAI Java SDK, streaming, through the LLM gateway on a"
            + " virtual key, %s capped at %d µ$)%n",
        DemoGatewayAgent.SCOPE, DemoGatewayAgent.CAP_MICROS);
    out.printf(
        "  %d calls answered in %d ms (\"%s\"), %d µ$ spent, then refused: %s: %s%n",
        gateway.calls(),
        gateway.took().toMillis(),
        shorten(gateway.firstAnswer()),
        gatewaySpent().getLong("spent_micros", -1L),
        gateway.refusal(),
        shorten(gateway.message()));
  }

  /** The gateway agent's own layer, as the governor reports it. */
  private JsonObject gatewaySpent() {
    JsonArray layers =
        governor
            .get("/v1/budgets/" + DemoGatewayAgent.SCOPE.replace("/", "%2F") + "/status", auditor)
            .body()
            .getJsonArray("layers", new JsonArray());
    return layers.stream()
        .map(JsonObject.class::cast)
        .filter(layer -> layer.getString("scope").equals(DemoGatewayAgent.SCOPE))
        .findFirst()
        .orElseGet(JsonObject::new);
  }

  /**
   * The gateway agent's calls were each charged once (a commit per answered call, the ledger's sum
   * its counter), stayed within the cap, and ended with the SDK's exception naming the budget.
   */
  private boolean gatewayHeld() {
    DemoGatewayAgent.Outcome gateway = run.gateway;
    JsonObject layer = gatewaySpent();
    long spent = layer.getLong("spent_micros", -1L);
    JsonArray entries =
        governor
            .get(
                "/v1/ledger/demo?limit=1000&scope=" + DemoGatewayAgent.SCOPE.replace("/", "%2F"),
                auditor)
            .body()
            .getJsonArray("entries", new JsonArray());
    long commits =
        entries.stream().filter(e -> ((JsonObject) e).getString("type").equals("commit")).count();
    long ledgered =
        entries.stream().mapToLong(e -> ((JsonObject) e).getLong("spent_delta_micros", 0L)).sum();
    return gateway.calls() > 0
        && gateway.refusal().equals("RateLimitException")
        && gateway.message().contains("Budget exceeded")
        && spent > 0
        && spent <= DemoGatewayAgent.CAP_MICROS
        && layer.getLong("reserved_micros", -1L) == 0
        && commits == gateway.calls()
        && ledgered == spent;
  }

  private void check(List<JsonObject> capped) {
    invariants.put(
        "no task was owned twice", run.claimsPerTask.values().stream().allMatch(n -> n == 1));
    long researched =
        run.tasks.stream()
            .filter(t -> t.tool().equals("research") && t.outcome().equals("SUCCESS"))
            .count();
    invariants.put("every research task ran to success (12)", researched == 12);
    invariants.put(
        "the search API got the injected key exactly once per research run",
        search.authorizedSearches() == researched && search.refusedSearches() == 0);
    invariants.put(
        "the credential never reached a tool, a response or the ledger", secretNowhere());
    JsonObject escape = run.invocations.getOrDefault("x-01", new JsonObject());
    invariants.put(
        "the escape tool was refused the metadata service, saw the key only redacted, and was"
            + " stopped by its CPU limit",
        escapeLogs(escape).contains("metadata request refused")
            && echoedKey(escape).equals("[REDACTED]")
            && "CPU_LIMIT".equals(escape.getString("outcome", "")));
    invariants.put(
        "the smuggler module was refused before any code ran",
        run.denials.stream()
            .anyMatch(
                d ->
                    d.attempt().startsWith("publish smuggler")
                        && d.reason().contains("UNLINKABLE_IMPORT")));
    invariants.put(
        "the overspending tool was denied by the budget",
        run.tasks.stream()
            .anyMatch(t -> t.tool().equals("overspend") && t.detail().startsWith("BUDGET_DENIED")));
    invariants.put(
        "an unqualified task was refused with a reason",
        run.denials.stream()
            .anyMatch(
                d ->
                    d.attempt().startsWith("claim q-01")
                        && d.reason().contains("no_capability_match")));
    invariants.put(
        "no capped window was overspent",
        capped.stream().allMatch(l -> l.getLong("spent_micros") <= l.getLong("cap_micros")));
    invariants.put(
        "no reservation was left behind",
        capped.stream().allMatch(l -> l.getLong("reserved_micros") == 0));
    JsonObject echoed = mcpAnswer(run, 3).getJsonObject("result", new JsonObject());
    invariants.put(
        "an MCP client listed the tools its token grants and called echo in the sandbox; research"
            + " without a grant was refused, nothing ran",
        mcpAnswer(run, 2)
                .getJsonObject("result", new JsonObject())
                .encode()
                .contains("\"name\":\"echo\"")
            && new JsonObject()
                .put("text", "hello over MCP")
                .equals(echoed.getJsonObject("structuredContent"))
            && run.denials.stream()
                .anyMatch(
                    d ->
                        d.attempt().startsWith("MCP tools/call research")
                            && d.reason().equals("GRANT_REQUIRED")));
    invariants.put(
        "an agent outside the sandbox, on the LLM gateway through the OpenAI Java SDK (streaming),"
            + " was charged once per call and refused at its cap with RateLimitException naming"
            + " the budget: spent within the cap, its ledger equal to its counters, no reservation"
            + " left",
        gatewayHeld());
    invariants.put(
        "counters equal the ledger (reconciliation)",
        governor
            .get("/v1/ledger/demo/reconciliation", auditor)
            .body()
            .getBoolean("consistent", false));
  }

  /** The MCP answer to the request {@code id} the demo's MCP client sent, or an empty object. */
  static JsonObject mcpAnswer(DemoRun run, int id) {
    return run.mcpMessages.stream()
        .filter(m -> Integer.valueOf(id).equals(m.getValue("id")))
        .findFirst()
        .orElseGet(JsonObject::new);
  }

  private boolean secretNowhere() {
    if (run.responses.stream().anyMatch(body -> body.contains(secret))) {
      return false;
    }
    String cursor = null;
    do {
      JsonObject page =
          governor
              .get(
                  "/v1/ledger/demo?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor),
                  auditor)
              .body();
      if (page.encode().contains(secret)) {
        return false;
      }
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return true;
  }

  /**
   * The authorization header the echo endpoint reflected to the escape tool, as the tool saw it.
   */
  private static String echoedKey(JsonObject invocation) {
    JsonObject output = DemoScenario.output(invocation);
    if (!output.containsKey("body")) {
      return "(no echo)";
    }
    String authorization =
        new JsonObject(output.getString("body")).getString("authorization", "(none)");
    return authorization.replace("Bearer ", "");
  }

  private static String escapeLogs(JsonObject invocation) {
    JsonArray logs = invocation.getJsonArray("logs", new JsonArray());
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < logs.size(); i++) {
      Object entry = logs.getValue(i);
      lines.add(
          entry instanceof JsonObject json
              ? json.getString("message", json.encode())
              : String.valueOf(entry));
    }
    return String.join(", ", lines);
  }

  private static void printLatency(PrintStream out, DemoLatency.Measurement latency) {
    out.printf(
        Locale.ROOT,
        "%nLatency over HTTP: a measurement on this machine (%d cores, load average %.2f),"
            + " taken after the tool runs and apart from them:%n"
            + "%d warm-up rounds, then %d samples of each path, one request at a time%n",
        latency.cores(),
        latency.loadAverage(),
        DemoLatency.WARMUP,
        DemoLatency.SAMPLES);
    out.println("  claim           " + latency.claim().line());
    out.println("  reserve+commit  " + latency.charge().line());
  }

  private static String shorten(String text) {
    String line = text.replace('\n', ' ');
    return line.length() > 70 ? line.substring(0, 67) + "..." : line;
  }
}
