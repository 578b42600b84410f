package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.hostapi.contract.CapabilityKind;
import com.infrafabric.hostapi.contract.ServiceContract;
import io.vertx.core.json.JsonObject;

/**
 * A tool as {@code tools/list} shows it, all from its signed contract: name, title, description,
 * {@code inputSchema} (an open object schema when the contract declares none, since MCP arguments
 * are always an object), {@code outputSchema} when declared, and annotations derived from its
 * capabilities: {@code openWorldHint} when it may reach the network ({@code http}) or a model
 * ({@code llm}), {@code readOnlyHint} only when it can change nothing and spend nothing (no {@code
 * kv}, {@code http} nor {@code llm}): clients approve read-only tools without asking, and a model
 * call spends the caller's budget. {@code _meta} names the exact version and module digest the name
 * stands for.
 */
final class ToolListing {

  static final String META_REF = "infrafabric/ref";
  static final String META_DIGEST = "infrafabric/digest";

  private ToolListing() {}

  static JsonObject of(ToolInfo tool) {
    ServiceContract contract = tool.contract();
    JsonObject listed =
        new JsonObject()
            .put("name", tool.ref().name())
            .put(
                "description",
                contract
                    .description()
                    .orElse("InfraFabric tool " + tool.ref() + " (sandboxed WebAssembly)."))
            .put(
                "inputSchema",
                contract.inputSchema().map(JsonObject::new).orElseGet(ToolListing::anyObject))
            .put("annotations", annotations(contract))
            .put(
                "_meta",
                new JsonObject()
                    .put(META_REF, tool.ref().toString())
                    .put(META_DIGEST, tool.digest().toString()));
    contract.title().ifPresent(title -> listed.put("title", title));
    contract.outputSchema().ifPresent(schema -> listed.put("outputSchema", new JsonObject(schema)));
    return listed;
  }

  private static JsonObject annotations(ServiceContract contract) {
    boolean http = contract.grants(CapabilityKind.HTTP);
    boolean llm = contract.grants(CapabilityKind.LLM);
    boolean kv = contract.grants(CapabilityKind.KV);
    JsonObject annotations =
        new JsonObject()
            .put("openWorldHint", http || llm)
            .put("readOnlyHint", !http && !llm && !kv);
    contract.title().ifPresent(title -> annotations.put("title", title));
    return annotations;
  }

  private static JsonObject anyObject() {
    return new JsonObject().put("type", "object");
  }
}
