package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.gateway.ServedShape.FREE_OBJECT;
import static com.infrafabric.governor.gateway.ServedShape.SCALAR;
import static com.infrafabric.governor.gateway.ServedShape.either;
import static com.infrafabric.governor.gateway.ServedShape.listOf;
import static com.infrafabric.governor.gateway.ServedShape.mapOf;
import static com.infrafabric.governor.gateway.ServedShape.object;
import static com.infrafabric.governor.gateway.ServedShape.tagged;

import com.infrafabric.governor.gateway.ServedShape.Fields;
import java.util.Map;

/**
 * The requests of OpenAI's {@code POST /v1/chat/completions} the gateway serves ({@link
 * ServedShape}), as OpenAI's API reference gives them: what the worst case bounds ({@code n}
 * multiplies the output bound, as each answer is billed; tool definitions and schemas are text) and
 * what has no cost. Not served, as billed by another measure: {@code image_url}, {@code
 * input_audio} and {@code file} parts, a text part's {@code prompt_cache_breakpoint} (a cache
 * write), an assistant message's {@code audio} (an earlier answer's audio, read again as audio
 * input) unless null, {@code audio}, {@code modalities}, {@code moderation}, {@code prediction},
 * {@code prompt_cache_options}, {@code prompt_cache_retention}, {@code service_tier} and {@code
 * web_search_options}. Stateless.
 */
final class OpenAiChatShape {

  /** A text or an array of text parts: what every message but the assistant's holds. */
  private static final ServedShape TEXT_CONTENT =
      either(SCALAR, listOf(tagged("type", Map.of("text", object("text")))));

  /** The assistant's content: a text, or an array of text and refusal parts. */
  private static final ServedShape ASSISTANT_CONTENT =
      either(
          SCALAR,
          listOf(tagged("type", Map.of("text", object("text"), "refusal", object("refusal")))));

  /** A call of one of the caller's tools the assistant made, in an earlier turn. */
  private static final ServedShape TOOL_CALL =
      tagged(
          "type",
          Map.of(
              "function", object("id").with("function", object("name", "arguments")),
              "custom", object("id").with("custom", object("name", "input"))));

  /**
   * What an answer's message says it cited ({@code annotations}): a web page's address, title and
   * where in the text it is cited. Text in the conversation, billed as its bytes.
   */
  private static final ServedShape ANNOTATION =
      tagged(
          "type",
          Map.of(
              "url_citation",
              object().with("url_citation", object("end_index", "start_index", "title", "url"))));

  /**
   * The messages, by role: text, and the caller's own tools' calls and results. The assistant's is
   * every field of an answer's message the SDKs read ({@code ChatCompletionMessage}) but its {@code
   * audio}, so a client may send an answer back as its next turn as it read it.
   */
  private static final ServedShape MESSAGE =
      tagged(
          "role",
          Map.of(
              "developer", object("name").with("content", TEXT_CONTENT),
              "system", object("name").with("content", TEXT_CONTENT),
              "user", object("name").with("content", TEXT_CONTENT),
              "assistant",
                  object("name", "refusal")
                      .with("content", ASSISTANT_CONTENT)
                      .with("annotations", listOf(ANNOTATION))
                      .with("tool_calls", listOf(TOOL_CALL))
                      .with("function_call", object("name", "arguments")),
              "tool", object("tool_call_id").with("content", TEXT_CONTENT),
              "function", object("name", "content")));

  /** A function the model may call: its JSON schema is free-form text the worst case counts. */
  private static final Fields FUNCTION =
      object("name", "description", "strict").with("parameters", FREE_OBJECT);

  /** A custom tool's input format: free text, or text a grammar (Lark or a regex) constrains. */
  private static final ServedShape CUSTOM_FORMAT =
      tagged(
          "type",
          Map.of(
              "text", object(),
              "grammar", object().with("grammar", object("definition", "syntax"))));

  /** The caller's own tools: functions, and custom tools. */
  private static final ServedShape TOOL =
      tagged(
          "type",
          Map.of(
              "function", object().with("function", FUNCTION),
              "custom",
                  object()
                      .with(
                          "custom", object("name", "description").with("format", CUSTOM_FORMAT))));

  /** A tool named: by {@code tool_choice}, or in its list of allowed tools. */
  private static final Map<String, Fields> NAMED_TOOL =
      Map.of(
          "function", object().with("function", object("name")),
          "custom", object().with("custom", object("name")));

  /** {@code tool_choice}: a mode's name, a tool named, or the tools allowed. */
  private static final ServedShape TOOL_CHOICE =
      either(
          SCALAR,
          tagged(
              "type",
              Map.of(
                  "function", NAMED_TOOL.get("function"),
                  "custom", NAMED_TOOL.get("custom"),
                  "allowed_tools",
                      object()
                          .with(
                              "allowed_tools",
                              object("mode").with("tools", listOf(tagged("type", NAMED_TOOL)))))));

  /** {@code response_format}: text, any JSON, or JSON of a free-form schema. */
  private static final ServedShape RESPONSE_FORMAT =
      tagged(
          "type",
          Map.of(
              "text", object(),
              "json_object", object(),
              "json_schema",
                  object()
                      .with(
                          "json_schema",
                          object("name", "description", "strict").with("schema", FREE_OBJECT))));

  /** A whole request. */
  static final ServedShape REQUEST =
      object(
              "model",
              "stream",
              "max_completion_tokens",
              "max_tokens",
              "n",
              "temperature",
              "top_p",
              "frequency_penalty",
              "presence_penalty",
              "logprobs",
              "top_logprobs",
              "seed",
              "user",
              "store",
              "parallel_tool_calls",
              "reasoning_effort",
              "verbosity",
              "prompt_cache_key",
              "safety_identifier")
          .with("messages", listOf(MESSAGE))
          .with("stream_options", object("include_usage", "include_obfuscation"))
          .with("stop", either(SCALAR, listOf(SCALAR)))
          .with("logit_bias", mapOf(SCALAR))
          .with("metadata", mapOf(SCALAR))
          .with("tools", listOf(TOOL))
          .with("tool_choice", TOOL_CHOICE)
          .with("functions", listOf(FUNCTION))
          .with("function_call", either(SCALAR, object("name")))
          .with("response_format", RESPONSE_FORMAT);

  private OpenAiChatShape() {}
}
