package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.gateway.ServedShape.FREE_OBJECT;
import static com.infrafabric.governor.gateway.ServedShape.SCALAR;
import static com.infrafabric.governor.gateway.ServedShape.either;
import static com.infrafabric.governor.gateway.ServedShape.listOf;
import static com.infrafabric.governor.gateway.ServedShape.object;
import static com.infrafabric.governor.gateway.ServedShape.tagged;

import com.infrafabric.governor.gateway.ServedShape.Fields;
import com.infrafabric.governor.gateway.ServedShape.Tagged;
import java.util.Map;

/**
 * The requests of Anthropic's {@code POST /v1/messages} the gateway serves ({@link ServedShape}),
 * as Anthropic's API reference gives them: what the worst case bounds ({@code thinking} is output,
 * within {@code max_tokens}; a cache breakpoint's write is weighed at its price) and what has no
 * cost. Not served, as billed by another measure or by tools the gateway does not price: {@code
 * image}, {@code document}, {@code search_result} and server tools' blocks, a text block's {@code
 * citations} (of documents and searches), a tool call's {@code caller} and {@code toolset_name}
 * (code execution's), Anthropic's typed tools ({@code web_search_...}, {@code bash_...}, ...) and a
 * tool's {@code allowed_callers}, {@code defer_loading}, {@code input_examples}, {@code strict},
 * {@code eager_input_streaming}, and at the top {@code cache_control}, {@code container}, {@code
 * context_management}, {@code diagnostics}, {@code inference_geo}, {@code mcp_servers}, {@code
 * output_config}, {@code service_tier} and {@code speed}. Stateless.
 */
final class AnthropicMessagesShape {

  /** A cache breakpoint; its values are checked where the worst case weighs it. */
  private static final Fields CACHE_CONTROL = object("type", "ttl");

  /** A text block: in a message, a tool's result or the system prompt. */
  private static final Fields TEXT = object("text").with("cache_control", CACHE_CONTROL);

  /** Text, or an array of text blocks: the system prompt, or a tool's result. */
  private static final ServedShape TEXT_CONTENT =
      either(SCALAR, listOf(tagged("type", Map.of("text", TEXT))));

  /** A message's blocks: text, the caller's own tools' calls and results, thinking. */
  private static final ServedShape BLOCK =
      tagged(
          "type",
          Map.of(
              "text", TEXT,
              "tool_use",
                  object("id", "name")
                      .with("input", FREE_OBJECT)
                      .with("cache_control", CACHE_CONTROL),
              "tool_result",
                  object("tool_use_id", "is_error")
                      .with("content", TEXT_CONTENT)
                      .with("cache_control", CACHE_CONTROL),
              "thinking", object("thinking", "signature"),
              "redacted_thinking", object("data")));

  /** The caller's own tool (no {@code type}, or {@code custom}), defined by its text. */
  private static final Fields TOOL =
      object("name", "description")
          .with("input_schema", FREE_OBJECT)
          .with("cache_control", CACHE_CONTROL);

  /** How the model is asked to use the tools. */
  private static final ServedShape TOOL_CHOICE =
      tagged(
          "type",
          Map.of(
              "auto", object("disable_parallel_tool_use"),
              "any", object("disable_parallel_tool_use"),
              "tool", object("name", "disable_parallel_tool_use"),
              "none", object()));

  /** Extended thinking: output, within {@code max_tokens}, however it is asked for. */
  private static final ServedShape THINKING =
      tagged(
          "type",
          Map.of(
              "enabled", object("budget_tokens", "display"),
              "adaptive", object("display"),
              "between_tools", object(),
              "disabled", object()));

  /** A whole request. */
  static final ServedShape REQUEST =
      object("model", "max_tokens", "stream", "temperature", "top_p", "top_k")
          .with("messages", listOf(object("role").with("content", either(SCALAR, listOf(BLOCK)))))
          .with("system", TEXT_CONTENT)
          .with("stop_sequences", listOf(SCALAR))
          .with("tools", listOf(tagged("type", Map.of(Tagged.UNTYPED, TOOL, "custom", TOOL))))
          .with("tool_choice", TOOL_CHOICE)
          .with("metadata", object("user_id"))
          .with("thinking", THINKING);

  private AnthropicMessagesShape() {}
}
