package com.infrafabric.deploy;

import com.infrafabric.deploy.cli.AnswerDeadline;
import com.infrafabric.governor.registry.AgentContract;
import com.infrafabric.governor.registry.CapabilitySet;
import com.infrafabric.platform.auth.TokenMinter;
import com.infrafabric.platform.auth.TokenSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The end-to-end scenario, driven only through the two REST APIs as operators, publishers,
 * dispatchers and agents would: caps (prices are the launch's default catalogue), a credential,
 * three signed tools (and one the chassis must refuse), agents registered from operator-signed
 * contracts, then tasks claimed and run concurrently, each under the grant its claim returned, and
 * finished with its outcome; an MCP client; and an agent outside the sandbox calling models through
 * the LLM gateway with the OpenAI Java SDK until its cap refuses it.
 */
final class DemoScenario {

  static final String TENANT = "demo";
  private static final Set<String> PLATFORM_ROLES = Set.of("publisher", "operator");
  private static final int RESEARCH_TASKS = 12;
  private static final int WORKERS = 4;
  private static final Duration BUSY_RETRY = Duration.ofMillis(50);
  private static final Duration CLAIM_PATIENCE = Duration.ofSeconds(60);
  private static final Set<String> WAIT_FOR_FREE = Set.of("all_busy", "subtree_share");

  private final ApiClient governor;
  private final ApiClient chassis;
  private final TokenMinter operatorKey;
  private final DemoTools tools;
  private final SearchApi search;
  private final String secret;
  private final Clock clock;
  private final DemoRun run = new DemoRun();
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  DemoScenario(
      ApiClient governor,
      ApiClient chassis,
      TokenMinter operatorKey,
      DemoTools tools,
      SearchApi search,
      String secret,
      Clock clock) {
    this.governor = governor;
    this.chassis = chassis;
    this.operatorKey = operatorKey;
    this.tools = tools;
    this.search = search;
    this.secret = secret;
    this.clock = clock;
  }

  DemoRun run() throws InterruptedException {
    configureGovernor();
    storeCredential();
    Map<String, DemoTools.Tool> published = publishTools();
    registerAgents();
    runTasks(published);
    mcpClient();
    gatewayAgent();
    measureLatency();
    return run;
  }

  private void configureGovernor() {
    budget(TENANT, new JsonObject().put("day", limit(5_000_000, 50, 80)));
    budget(TENANT + "/research", new JsonObject().put("lifetime", limit(1_000_000)));
    budget(TENANT + "/security", new JsonObject().put("lifetime", limit(10_000)));
    budget(TENANT + "/overspend", new JsonObject().put("lifetime", limit(100_000, 50)));
    budget(TENANT + "/bench", new JsonObject().put("lifetime", limit(1_000_000_000)));
    budget(
        DemoGatewayAgent.SCOPE,
        new JsonObject().put("lifetime", limit(DemoGatewayAgent.CAP_MICROS)));
  }

  private void budget(String scope, JsonObject limits) {
    expect(
        governor.put(
            "/v1/budgets/" + scope.replace("/", "%2F"),
            token("admin"),
            new JsonObject().put("limits", limits)),
        "budget " + scope);
  }

  private static JsonObject limit(long cap, Integer... thresholds) {
    return new JsonObject()
        .put("cap_micros", cap)
        .put("thresholds_pct", new JsonArray(List.of(thresholds)));
  }

  private void storeCredential() {
    JsonObject credential =
        new JsonObject()
            .put("secret", secret)
            .put("allow", new JsonArray().add(search.origin()))
            .put("header", "Authorization")
            .put("scheme", "Bearer");
    ApiClient.Answer stored =
        chassis.put(
            "/v1/tenants/" + TENANT + "/credentials/" + DemoTools.CREDENTIAL,
            token("operator"),
            credential);
    run.saw(stored);
    expect(stored, "store credential");
  }

  private Map<String, DemoTools.Tool> publishTools() {
    Map<String, DemoTools.Tool> published = new LinkedHashMap<>();
    for (DemoTools.Tool tool :
        List.of(tools.research(), tools.escape(), tools.overspend(), tools.echo())) {
      expect(
          chassis.post("/v1/tools", token("publisher"), tool.registration()),
          "publish " + tool.name());
      published.put(tool.name(), tool);
    }
    ApiClient.Answer refused =
        chassis.post("/v1/tools", token("publisher"), tools.smuggler().registration());
    run.denied(
        "publish smuggler (imports kv, contract grants io only)",
        refused.status() + " " + refused.code());
    return published;
  }

  /**
   * An MCP client, through the same stdio bridge {@code infrafabric mcp} runs: it initializes,
   * lists the tools its token grants, calls echo, and calls research without the grant that tool
   * needs (refused as a tool error, nothing ran).
   */
  private void mcpClient() {
    String token =
        mint("mcp-agent", agentSpec("mcp-agent", TENANT, List.of("echo", "research@1.0.0")));
    String input =
        String.join(
            "\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"demo\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hello over MCP\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"research\",\"arguments\":{\"topic\":\"x\"}}}");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    new McpBridge(
            chassis.uri("/mcp"),
            AnswerDeadline.PER_REQUEST,
            token,
            Optional.empty(),
            out,
            System.err)
        .pump(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    stdout
        .toString(StandardCharsets.UTF_8)
        .lines()
        .map(JsonObject::new)
        .forEach(run.mcpMessages::add);
    JsonObject refused = DemoReport.mcpAnswer(run, 4).getJsonObject("result", new JsonObject());
    run.denied(
        "MCP tools/call research without a grant",
        refused.getJsonObject("_meta", new JsonObject()).getString("infrafabric/outcome", "none"));
  }

  /** An agent outside the sandbox on the LLM gateway, until its cap refuses it. */
  private void gatewayAgent() {
    run.gateway = new DemoGatewayAgent(governor, token("admin")).run();
  }

  private void registerAgents() {
    agent("researcher-a", Map.of("research", 2, "web", 1), "gpt-4o-mini", 1_000, 2);
    agent("researcher-b", Map.of("research", 3, "web", 1), "gpt-4o-mini", 1_200, 2);
    agent("researcher-c", Map.of("research", 2), "gpt-4o-mini", 800, 2);
    agent("red-team", Map.of("security", 3), "gpt-4o-mini", 500, 1);
    agent("bulk-writer", Map.of("summarize", 2), "gpt-4o", 2_000, 1);
    agent(DemoLatency.WORKER, Map.of(DemoLatency.CAPABILITY, 1), "gpt-4o-mini", 1, 4);
  }

  private void agent(
      String id, Map<String, Integer> capabilities, String model, long fee, int slots) {
    AgentContract contract =
        new AgentContract(
            id,
            TENANT,
            CapabilitySet.of(capabilities),
            model,
            fee,
            slots,
            Duration.ofSeconds(5),
            1);
    String signed =
        operatorKey.mint(
            contract.toTokenSpec(LocalKeys.ISSUER, Duration.ofHours(1)), clock.instant());
    expect(
        governor.post("/v1/agents", token("admin"), new JsonObject().put("contract", signed)),
        "register " + id);
  }

  private void runTasks(Map<String, DemoTools.Tool> published) throws InterruptedException {
    List<Runnable> work = new ArrayList<>();
    for (int i = 1; i <= RESEARCH_TASKS; i++) {
      String id = String.format("r-%02d", i);
      String topic = List.of("budgets", "sandboxes", "leases", "grants").get(i % 4);
      work.add(() -> researchTask(id, topic, published.get("research")));
    }
    work.add(() -> escapeTask(published.get("escape")));
    work.add(() -> overspendTask(published.get("overspend")));
    work.add(this::unqualifiedTask);
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> running = new ArrayList<>();
      work.forEach(task -> running.add(pool.submit(task)));
      for (Future<?> task : running) {
        try {
          task.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException("a demo task failed: " + e.getMessage(), e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void researchTask(String id, String topic, DemoTools.Tool tool) {
    JsonObject fetch =
        new JsonObject().put("method", "GET").put("url", search.origin() + "/search?q=" + topic);
    JsonObject ask =
        new JsonObject()
            .put("model", "gpt-4o-mini")
            .put(
                "messages",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("role", "user")
                            .put("content", "Summarize what is known about " + topic)))
            .put("max_tokens", 128);
    JsonObject grant =
        grant(tool, "http,llm", List.of(DemoTools.CREDENTIAL), List.of("gpt-4o-mini"));
    String scope = TENANT + "/research/" + id;
    List<String> required = List.of("research:2", "web");
    Runnable whileOwned =
        id.equals("r-01")
            ? () -> {
              ApiClient.Answer again = claim(id, scope, required, 50_000, grant);
              run.denied(
                  "claim r-01 again while it is owned", again.status() + " " + reason(again));
            }
            : () -> {};
    runTask(
        id, scope, required, 50_000, grant, tool, new JsonArray().add(fetch).add(ask), whileOwned);
  }

  private void escapeTask(DemoTools.Tool tool) {
    JsonObject echo = new JsonObject().put("method", "GET").put("url", search.origin() + "/echo");
    JsonObject grant = grant(tool, "http", List.of(DemoTools.CREDENTIAL), List.of());
    runTask(
        "x-01",
        TENANT + "/security/x-01",
        List.of("security:2"),
        5_000,
        grant,
        tool,
        echo,
        () -> {});
  }

  private void overspendTask(DemoTools.Tool tool) {
    String prompt = "Summarize this report. " + "The quarterly figures rose. ".repeat(1_500);
    JsonObject ask =
        new JsonObject()
            .put("model", "gpt-4o")
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
            .put("max_tokens", 1024);
    JsonObject grant = grant(tool, "llm", List.of(), List.of("gpt-4o"));
    runTask(
        "o-01",
        TENANT + "/overspend/o-01",
        List.of("summarize"),
        1_000_000,
        grant,
        tool,
        ask,
        () -> {});
  }

  private void unqualifiedTask() {
    ApiClient.Answer refused =
        claim(
            "q-01",
            TENANT + "/research/q-01",
            List.of("quantum:3", "cryptanalysis"),
            50_000,
            new JsonObject());
    run.denied(
        "claim q-01 needing quantum:3 and cryptanalysis", refused.status() + " " + reason(refused));
  }

  private static JsonObject grant(
      DemoTools.Tool tool, String capabilities, List<String> credentials, List<String> models) {
    return new JsonObject()
        .put("tools", new JsonArray().add(tool.digest()))
        .put("capabilities", new JsonArray(List.of(capabilities.split(","))))
        .put("credentials", new JsonArray(credentials))
        .put("models", new JsonArray(models))
        .put("max_invocations", 1);
  }

  /** Claims the task (waiting while every qualified agent is busy), runs it, finishes it. */
  private void runTask(
      String id,
      String scope,
      List<String> required,
      long maxCost,
      JsonObject grant,
      DemoTools.Tool tool,
      Object input,
      Runnable whileOwned) {
    ApiClient.Answer claimed = claimWhenFree(id, scope, required, maxCost, grant);
    if (!claimed.ok()) {
      run.task(
          new DemoRun.TaskRow(
              id,
              tool.name(),
              "-",
              reason(claimed),
              "-",
              0,
              0,
              claimed.body().getString("message", "")));
      return;
    }
    whileOwned.run();
    JsonObject claim = claimed.body();
    String agent = claim.getString("agent_id");
    ApiClient.Answer invoked =
        chassis.postWith(
            "/v1/tools/" + tool.name() + "/" + DemoTools.VERSION + "/invocations",
            agentToken(agent),
            new JsonObject().put("input", input),
            "X-InfraFabric-Grant",
            claim.getString("grant"));
    run.saw(invoked);
    JsonObject result = invoked.body();
    run.invocations.put(id, result);
    String outcome = result.getString("outcome", invoked.code());
    boolean succeeded = "SUCCESS".equals(outcome);
    long llmCost = llmCost(result);
    String lease = claim.getString("lease_id").replace("/", "%2F").replace("#", "%23");
    ApiClient.Answer finished =
        governor.post(
            "/v1/leases/" + lease + "/finish",
            agentToken(agent),
            new JsonObject()
                .put("outcome", succeeded ? "succeeded" : "failed")
                .put("amount_micros", claim.getLong("reserved_micros"))
                .put(
                    "latency_ms",
                    result.getJsonObject("report", new JsonObject()).getLong("duration_us", 0L)
                        / 1000));
    expect(finished, "finish " + id);
    run.task(
        new DemoRun.TaskRow(
            id,
            tool.name(),
            agent,
            "claimed",
            outcome,
            llmCost,
            claim.getLong("reserved_micros"),
            detail(result)));
  }

  private ApiClient.Answer claimWhenFree(
      String id, String scope, List<String> required, long maxCost, JsonObject grant) {
    long deadline = System.nanoTime() + CLAIM_PATIENCE.toNanos();
    ApiClient.Answer answer;
    do {
      answer = claim(id, scope, required, maxCost, grant);
      // Both pass as leases end: every agent busy, or the subtree at its share of the agents.
      if (!WAIT_FOR_FREE.contains(reason(answer))) {
        return answer;
      }
      LockSupport.parkNanos(BUSY_RETRY.toNanos());
    } while (System.nanoTime() < deadline);
    return answer;
  }

  private ApiClient.Answer claim(
      String id, String scope, List<String> required, long maxCost, JsonObject grant) {
    JsonObject task =
        new JsonObject()
            .put("task_id", id)
            .put("scope", scope)
            .put("required", new JsonArray(required))
            .put("max_cost_micros", maxCost)
            .put("grant", grant);
    ApiClient.Answer answer = governor.post("/v1/claims", token("dispatcher"), task);
    if (answer.ok()) {
      run.claimsPerTask.merge(id, 1, Integer::sum);
    }
    return answer;
  }

  /**
   * Claim and reserve + commit measured like a benchmark on a scope of their own, after the tool
   * runs and apart from them ({@link DemoLatency}).
   */
  private void measureLatency() {
    String scope = TENANT + "/bench";
    String agent = mint("bench-agent", agentSpec("bench-agent", scope, List.of()));
    run.latency =
        new DemoLatency(governor, scope, token("dispatcher"), agent, agentToken(DemoLatency.WORKER))
            .measure();
  }

  private static long llmCost(JsonObject result) {
    return output(result).getValue("answer") instanceof JsonObject answer
        ? answer.getLong("cost_micros", 0L)
        : 0;
  }

  /** What the tool answered, in a few words: the completion, or the refusal it reported. */
  private static String detail(JsonObject result) {
    JsonObject output = output(result);
    if (output.getValue("answer") instanceof JsonObject answer) {
      return answer.getString("content", "");
    }
    if (output.containsKey("error")) {
      return output.getString("error") + ": " + output.getString("message", "");
    }
    return result.getString("message", "");
  }

  /**
   * The tool's JSON output: {@code output} when it succeeded, else what it wrote ({@code
   * output_text}) if that is a JSON object.
   */
  static JsonObject output(JsonObject result) {
    if (result.getValue("output") instanceof JsonObject output) {
      return output;
    }
    String text = result.getString("output_text", "");
    return text.startsWith("{") ? new JsonObject(text) : new JsonObject();
  }

  private static String reason(ApiClient.Answer answer) {
    JsonObject details = answer.body().getJsonObject("details", new JsonObject());
    return details.getString("reason", answer.code());
  }

  /**
   * A token for {@code role}: the governor's roles act inside the demo tenant (tenant tokens), the
   * chassis's publisher and operator on what every tenant shares (platform tokens).
   */
  private String token(String role) {
    return tokens.computeIfAbsent(
        role,
        r ->
            mint(
                "demo-" + r,
                PLATFORM_ROLES.contains(r)
                    ? LocalKeys.spec("demo-" + r, r)
                    : LocalKeys.spec("demo-" + r, r).withScope(TENANT)));
  }

  private String agentToken(String agent) {
    return tokens.computeIfAbsent(
        "agent:" + agent,
        key ->
            mint(
                agent,
                agentSpec(
                    agent, TENANT, List.of("research@1.0.0", "escape@1.0.0", "overspend@1.0.0"))));
  }

  private String mint(String name, TokenSpec spec) {
    return operatorKey.mint(spec, clock.instant());
  }

  private static void expect(ApiClient.Answer answer, String step) {
    if (!answer.ok()) {
      throw new IllegalStateException(
          step + " failed: " + answer.status() + " " + answer.body().encode());
    }
  }

  /** An agent token confined to {@code scope}, allowed to invoke {@code tools}. */
  private static TokenSpec agentSpec(String subject, String scope, List<String> tools) {
    return LocalKeys.spec(subject, "agent").withScope(scope).withListClaim("tools", tools);
  }

  static String newSecret() {
    return "sk-demo-canary-" + UUID.randomUUID();
  }
}
