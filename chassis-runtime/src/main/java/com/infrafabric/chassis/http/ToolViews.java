package com.infrafabric.chassis.http;

import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.hostapi.contract.Capability;
import com.infrafabric.hostapi.contract.ResourceLimits;
import com.infrafabric.hostapi.contract.ServiceContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of a registered tool: its identity, the module's digest and size, who signed it, when it
 * was registered, and a summary of its contract. The module bytes are never returned: the publisher
 * holds them, and the digest proves which module is registered.
 */
final class ToolViews {

  private ToolViews() {}

  static String path(ToolInfo tool) {
    return "/v1/tools/" + tool.ref().name() + "/" + tool.ref().version();
  }

  static JsonObject tool(ToolInfo tool) {
    return new JsonObject()
        .put("name", tool.ref().name())
        .put("version", tool.ref().version())
        .put("ref", tool.ref().toString())
        .put("digest", tool.digest().toString())
        .put("module_bytes", tool.moduleBytes())
        .put("publisher", tool.publisher())
        .put("publisher_key_id", tool.publisherKeyId())
        .put("registered_at", tool.registeredAt().toString())
        .put("contract", contract(tool.contract()));
  }

  /** A page of tools and the cursor of the next page ({@code null} on the last). */
  static JsonObject tools(List<ToolInfo> tools, Optional<String> nextCursor) {
    return new JsonObject()
        .put("tools", new JsonArray(tools.stream().map(ToolViews::tool).toList()))
        .put("next_cursor", nextCursor.orElse(null));
  }

  private static JsonObject contract(ServiceContract contract) {
    return new JsonObject()
        .put(
            "capabilities",
            new JsonArray(
                contract.capabilities().stream()
                    .map(Capability::kind)
                    .map(k -> k.jsonName())
                    .toList()))
        .put("limits", limits(contract.limits()))
        .put(
            "slo",
            new JsonObject()
                .put("p99_latency_ms", contract.slo().p99Latency().toMillis())
                .put("success_rate", contract.slo().successRate()));
  }

  private static JsonObject limits(ResourceLimits limits) {
    return new JsonObject()
        .put("timeout_ms", limits.timeout().toMillis())
        .put("cpu_time_ms", limits.cpuTime().toMillis())
        .put("memory_max_pages", limits.memoryMaxPages())
        .put("table_max_entries", limits.tableMaxEntries())
        .put("output_max_bytes", limits.outputMaxBytes())
        .put("log_max_bytes", limits.logMaxBytes())
        .put("host_calls_max", limits.hostCallsMax());
  }
}
