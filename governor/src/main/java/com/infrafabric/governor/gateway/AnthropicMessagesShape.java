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
 * cost. Every field of the blocks of an answer (the SDKs' {@code ContentBlock}s) the gateway can
 * make is served, so a client may send an answer back as its next turn as it read it: a text
 * block's {@code citations} (text, billed as its bytes) and a tool call's {@code caller} when it is
 * {@code direct}. Not served, as billed by another measure or by tools the gateway does not price:
 * {@code image}, {@code document}, {@code search_result} and server tools' blocks, a tool call's
 * {@code caller} by code execution and its {@code toolset_name} (an MCP toolset's), each unless
 * null, Anthropic's typed tools ({@code web_search_...}, {@code bash_...}, ...) and a tool's {@code
 * allowed_callers}, {@code defer_loading}, {@code input_examples}, {@code strict}, {@code
 * eager_input_streaming}, and at the top {@code cache_control}, {@code container}, {@code
 * context_management}, {@code diagnostics}, {@code inference_geo}, {@code mcp_servers}, {@code
 * output_config}, {@code service_tier} and {@code speed}. Stateless.
 */
final class AnthropicMessagesShape {

  /** A cache breakpoint; its values are checked where the worst case weighs it. */
  private static final Fields CACHE_CONTROL = object("type", "ttl");

  /**
   * Where a text block cites a source: a document's characters, pages or blocks, a web search's
   * result or a search result's blocks, as an answer gives them (the SDKs' {@code TextCitation}).
   */
  private static final ServedShape CITATION =
      tagged(
          "type",
          Map.of(
              "char_location",
              object(
                  "cited_text",
                  "document_index",
                  "document_title",
                  "file_id",
                  "start_char_index",
                  "end_char_index"),
              "page_location",
              object(
                  "cited_text",
                  "document_index",
                  "document_title",
                  "file_id",
                  "start_page_number",
                  "end_page_number"),
              "content_block_location",
              object(
                  "cited_text",
                  "document_index",
                  "document_title",
                  "file_id",
                  "start_block_index",
                  "end_block_index"),
              "web_search_result_location",
              object("cited_text", "encrypted_index", "title", "url"),
              "search_result_location",
              object(
                  "cited_text",
                  "search_result_index",
                  "source",
                  "title",
                  "start_block_index",
                  "end_block_index")));

  /** A text block: in a message, a tool's result or the system prompt. */
  private static final Fields TEXT =
      object("text").with("cache_control", CACHE_CONTROL).with("citations", listOf(CITATION));

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
                      .with("cache_control", CACHE_CONTROL)
                      .with("caller", tagged("type", Map.of("direct", object()))),
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
