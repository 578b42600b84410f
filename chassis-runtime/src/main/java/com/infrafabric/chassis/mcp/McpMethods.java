package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.Chassis;
import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.ToolInfo;
import com.infrafabric.chassis.ToolInput;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.http.AgentTokens;
import com.infrafabric.chassis.http.LiveInvocations;
import com.infrafabric.chassis.mcp.JsonRpc.Reply;
import com.infrafabric.hostapi.contract.ServiceContract;
import com.infrafabric.llm.Cancellation;
import com.infrafabric.platform.auth.Principal;
import com.infrafabric.platform.http.Excerpt;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The MCP methods of an established session: {@code ping}, {@code tools/list} and {@code
 * tools/call}. A call goes through {@link Chassis#invoke} exactly as a REST invocation does (the
 * token's {@code tools} claim, the input schema, the grant, admission, limits, credential
 * injection, metrics), and its result is mapped: success to {@code structuredContent} (when the
 * output is an object) plus its JSON as text; input the schema refuses, and tools the caller cannot
 * call, to JSON-RPC invalid-params errors; every other outcome (a limit, a trap, a refused or
 * missing grant, overload) to a result with {@code isError: true}, the outcome and its message.
 */
final class McpMethods {

  private final Chassis chassis;
  private final RegisteredTools registered;
  private final int pageSize;
  private final LiveInvocations live;

  McpMethods(Chassis chassis, RegisteredTools registered, int pageSize, LiveInvocations live) {
    this.chassis = chassis;
    this.registered = registered;
    this.pageSize = pageSize;
    this.live = live;
  }

  /** The tools the caller may call, one page after {@code params.cursor}. */
  Future<Reply> listTools(Principal caller, JsonObject params) {
    Optional<String> after;
    try {
      after = cursor(params);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(JsonRpc.error(JsonRpc.INVALID_PARAMS, e.getMessage()));
    }
    return registered
        .current()
        .compose(
            refs -> {
              List<ToolRef> visible = ToolVersions.visible(caller, refs);
              List<ToolRef> rest =
                  visible.stream()
                      .filter(ref -> after.isEmpty() || ref.name().compareTo(after.get()) > 0)
                      .toList();
              List<ToolRef> page = rest.subList(0, Math.min(pageSize, rest.size()));
              return Future.all(page.stream().map(chassis::get).toList())
                  .map(
                      found -> {
                        JsonArray tools = new JsonArray();
                        found.<Optional<ToolInfo>>list().stream()
                            .flatMap(Optional::stream)
                            .map(ToolListing::of)
                            .forEach(tools::add);
                        JsonObject result = new JsonObject().put("tools", tools);
                        if (rest.size() > page.size()) {
                          result.put("nextCursor", encode(page.get(page.size() - 1).name()));
                        }
                        return new Reply.Result(result);
                      });
            });
  }

  /**
   * Calls a tool as the caller, under {@code grant} when the agent sent one, until {@code
   * cancellation} stops it ({@link Chassis#invoke(ToolRef, ToolInput, InvocationContext,
   * Cancellation)}).
   *
   * @param params {@code {"name": ..., "arguments": {...}}}
   */
  Future<Reply> callTool(
      Principal caller, JsonObject params, Optional<String> grant, Cancellation cancellation) {
    Object name = params.getValue("name");
    Object arguments = params.getValue("arguments", new JsonObject());
    if (!(name instanceof String toolName)) {
      return invalid("params.name must be a string naming a tool");
    }
    if (!(arguments instanceof JsonObject input)) {
      return invalid("params.arguments must be an object");
    }
    String invocationId = UUID.randomUUID().toString();
    InvocationContext context = AgentTokens.context(caller, invocationId);
    InvocationContext underGrant = grant.map(context::withGrant).orElse(context);
    return registered
        .current()
        .compose(
            refs ->
                ToolVersions.resolve(caller, toolName, refs)
                    .map(
                        ref ->
                            chassis
                                .invoke(
                                    ref, ToolInput.text(input.encode()), underGrant, cancellation)
                                .map(
                                    result ->
                                        ToolResults.reply(
                                            ref, live.answer(cancellation, result), invocationId)))
                    .orElseGet(() -> unknownTool(toolName)));
  }

  private static Future<Reply> unknownTool(String name) {
    return invalid(
        "Unknown tool: "
            + Excerpt.of(name, 200)
            + " (not registered, or not granted by the token)");
  }

  private static Future<Reply> invalid(String message) {
    return Future.succeededFuture(JsonRpc.error(JsonRpc.INVALID_PARAMS, message));
  }

  private static Optional<String> cursor(JsonObject params) {
    Object cursor = params.getValue("cursor");
    if (cursor == null) {
      return Optional.empty();
    }
    if (!(cursor instanceof String text)) {
      throw new IllegalArgumentException("params.cursor must be a string from nextCursor");
    }
    String name;
    try {
      name = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("params.cursor is not a cursor this server gave");
    }
    // A cursor is the last tool name of a page: anything else was not given by this server.
    if (!ServiceContract.isToolName(name)) {
      throw new IllegalArgumentException("params.cursor is not a cursor this server gave");
    }
    return Optional.of(name);
  }

  private static String encode(String name) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(name.getBytes(StandardCharsets.UTF_8));
  }
}
