package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's {@code POST /v1/messages}. A stream reports its input in {@code message_start} and
 * its output, cumulatively, in {@code message_delta}; {@code message_stop} ends it.
 */
final class AnthropicMessagesWire implements Wire {

  /**
   * The request's fields the gateway serves ({@link ServedFields}): those the worst case bounds
   * ({@code thinking} is output, within {@code max_tokens}), and those without a cost. Not served,
   * as billed by another measure: {@code container}, {@code mcp_servers}, {@code service_tier}, and
   * any other.
   */
  private static final Set<String> FIELDS =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "system",
          "stop_sequences",
          "stream",
          "temperature",
          "top_p",
          "top_k",
          "tools",
          "tool_choice",
          "metadata",
          "thinking");

  private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");

  /**
   * A message's content blocks served: text, tool calls and results, thinking; not images,
   * documents, search results, or a server tool's blocks.
   */
  private static final Set<String> CONTENT_BLOCKS =
      Set.of("text", "tool_use", "tool_result", "thinking", "redacted_thinking");

  /** The blocks of a {@code tool_result}'s or the {@code system}'s content served: text. */
  private static final Set<String> TEXT_BLOCKS = Set.of("text");

  /**
   * The tools served: the caller's own (no {@code type}, or {@code custom}), defined by their text;
   * not Anthropic's typed tools, billed per use or with a prompt of their own.
   */
  private static final Set<String> TOOLS = Set.of(ServedFields.UNTYPED, "custom");

  /** The numeric sampling fields, with the ranges of Anthropic's API reference. */
  private static final List<RequestFields.Range> RANGES =
      List.of(
          RequestFields.Range.decimal("temperature", 0, 1),
          RequestFields.Range.decimal("top_p", 0, 1),
          RequestFields.Range.whole("top_k", 0, Integer.MAX_VALUE));

  /** The API version sent when the client names none. */
  static final String VERSION = "2023-06-01";

  @Override
  public ProviderFormat format() {
    return ProviderFormat.ANTHROPIC;
  }

  @Override
  public String upstreamPath() {
    return ProviderPaths.MESSAGES;
  }

  @Override
  public CallRequest read(JsonObject body, Buffer bytes, GatewaySettings settings) {
    String model = RequestFields.model(body);
    RequestFields.requireMessages(body);
    served(body);
    RANGES.forEach(range -> range.check(body));
    long maxTokens =
        RequestFields.maxTokens(body, "max_tokens", settings)
            .orElse(settings.defaultMaxOutputTokens());
    return new CallRequest(
        model,
        RequestFields.stream(body),
        maxTokens,
        1,
        bytes.length(),
        RequestFields.estimatedTokens(body, "messages")
            + RequestFields.estimatedTokens(body, "system"),
        body,
        bytes);
  }

  private static void served(JsonObject body) {
    ServedFields.fields(body, FIELDS, "");
    ServedFields.each(
        body.getValue("messages"),
        "messages",
        (message, at) -> {
          ServedFields.fields(message, MESSAGE_FIELDS, at);
          ServedFields.types(message.getValue("content"), CONTENT_BLOCKS, at + ".content");
          ServedFields.each(
              message.getValue("content"),
              at + ".content",
              (block, blockAt) -> {
                if ("tool_result".equals(block.getValue("type"))) {
                  ServedFields.types(block.getValue("content"), TEXT_BLOCKS, blockAt + ".content");
                }
              });
        });
    ServedFields.types(body.getValue("system"), TEXT_BLOCKS, "system");
    ServedFields.types(body.getValue("tools"), TOOLS, "tools");
  }

  @Override
  public Buffer upstreamBody(CallRequest call, String model) {
    return call.upstream(Map.of("model", model, "max_tokens", call.maxOutputTokens()));
  }

  @Override
  public Map<String, String> upstreamHeaders(HttpServerRequest client) {
    Map<String, String> headers = new HashMap<>();
    String version = client.getHeader("anthropic-version");
    headers.put("anthropic-version", version == null ? VERSION : version);
    String beta = client.getHeader("anthropic-beta");
    if (beta != null) {
      headers.put("anthropic-beta", beta);
    }
    return headers;
  }

  @Override
  public TokenUsage usage(JsonObject reported) {
    return Usages.governed(ReportedUsage.anthropic(reported));
  }

  @Override
  public StreamMeter meter(CallRequest call) {
    return new Meter();
  }

  /**
   * Reads the input (with its cached parts) from {@code message_start}, where the provider reports
   * it before any output, and the output from {@code message_delta}, once it is made; a {@code
   * message_delta} that counts the input again is the later count.
   */
  private static final class Meter implements StreamMeter {
    private long input = -1;
    private long cached;
    private long output = -1;

    @Override
    public boolean event(JsonObject data) {
      switch (data.getString("type", "")) {
        case "message_start" ->
            input(
                data.getJsonObject("message", new JsonObject())
                    .getJsonObject("usage", new JsonObject()));
        case "message_delta" -> output(data.getJsonObject("usage", new JsonObject()));
        default -> {}
      }
      return true;
    }

    private void input(JsonObject usage) {
      if (usage.getValue("input_tokens") instanceof Number) {
        input =
            Math.addExact(usage.getLong("input_tokens"), ReportedUsage.anthropicCacheWrites(usage));
        cached = usage.getLong("cache_read_input_tokens", 0L);
      }
    }

    private void output(JsonObject usage) {
      input(usage);
      if (usage.getValue("output_tokens") instanceof Number) {
        output = usage.getLong("output_tokens");
      }
    }

    @Override
    public Charge charge(TokenUsage bound) {
      return Charge.partly(input, cached, output, bound);
    }
  }
}
