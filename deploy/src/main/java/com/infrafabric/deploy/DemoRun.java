package com.infrafabric.deploy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the demo observed, collected by the scenario from the services' own answers and read by the
 * report: the tasks and who ran them, every refusal and why, and the latencies measured.
 */
final class DemoRun {

  /** One task: who claimed it, what its tool did, what it cost. */
  record TaskRow(
      String task,
      String tool,
      String agent,
      String claim,
      String outcome,
      long llmCostMicros,
      long feeMicros,
      String detail) {}

  /** A refusal the demo provoked on purpose, and the reason the services gave. */
  record Denial(String attempt, String reason) {}

  final List<TaskRow> tasks = Collections.synchronizedList(new ArrayList<>());
  final List<Denial> denials = Collections.synchronizedList(new ArrayList<>());

  /** What the agent on the LLM gateway did; set once, by the scenario. */
  DemoGatewayAgent.Outcome gateway;

  /** Claim and charge latency, measured after the tool runs; set once, by the scenario. */
  DemoLatency.Measurement latency;

  final Map<String, Integer> claimsPerTask = new ConcurrentHashMap<>();
  final List<String> responses = Collections.synchronizedList(new ArrayList<>());
  final Map<String, io.vertx.core.json.JsonObject> invocations = new ConcurrentHashMap<>();

  /** What the MCP client of the demo read on its stdio, one JSON-RPC message per entry. */
  final List<io.vertx.core.json.JsonObject> mcpMessages =
      Collections.synchronizedList(new ArrayList<>());

  void task(TaskRow row) {
    tasks.add(row);
  }

  void denied(String attempt, String reason) {
    denials.add(new Denial(attempt, reason));
  }

  /** Keeps every body the services answered, to search them for the canary secret. */
  void saw(ApiClient.Answer answer) {
    responses.add(answer.body().encode());
  }
}
