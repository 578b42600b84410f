package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's {@code POST /v1/chat/completions}. The output bound is {@code max_completion_tokens} or
 * the older {@code max_tokens}; a stream is asked for its usage ({@code
 * stream_options.include_usage}), which arrives in a last chunk with empty {@code choices}. Each of
 * the {@code n} answers asked for may use the whole bound, and is priced so. No header of the
 * client's is relayed: {@code OpenAI-Organization} and {@code OpenAI-Project} would choose whom the
 * provider bills, which the operator's key says, and {@code OpenAI-Beta} opts into APIs not served.
 * Only a request of {@link OpenAiChatShape} is served.
 */
final class OpenAiChatWire implements Wire {

  /**
   * The output bounds a request may name: the current one, and the older one some providers read.
   */
  private static final List<String> OUTPUT_BOUNDS = List.of("max_completion_tokens", "max_tokens");

  /**
   * The numeric sampling fields, with the ranges of OpenAI's API reference. The fields that name
   * one of a list ({@code reasoning_effort}, {@code verbosity}, {@code tool_choice}'s mode) are not
   * checked as {@link RequestFields.Choice}s: none changes the worst case (reasoning is output,
   * within the bound) or the answer's shape, and the provider refuses a name it does not know,
   * nothing charged. The names that choose a part's shape (a message's role, a part's type) are the
   * request's shape's ({@link OpenAiChatShape}).
   */
  private static final List<RequestFields.Range> RANGES =
      List.of(
          RequestFields.Range.decimal("temperature", 0, 2),
          RequestFields.Range.decimal("top_p", 0, 1),
          RequestFields.Range.decimal("frequency_penalty", -2, 2),
          RequestFields.Range.decimal("presence_penalty", -2, 2),
          RequestFields.Range.whole("top_logprobs", 0, 20),
          RequestFields.Range.whole("seed", Long.MIN_VALUE, Long.MAX_VALUE));

  @Override
  public ProviderFormat format() {
    return ProviderFormat.OPENAI_COMPATIBLE;
  }

  @Override
  public String upstreamPath() {
    return ProviderPaths.CHAT_COMPLETIONS;
  }

  @Override
  public CallRequest read(
      JsonObject body, Buffer bytes, MultiMap headers, GatewaySettings settings) {
    String model = RequestFields.model(body);
    RequestFields.requireMessages(body);
    OpenAiChatShape.REQUEST.check(body, "");
    RequestFields.streamOptions(body);
    RANGES.forEach(range -> range.check(body));
    RequestFields.requireLogitBias(body);
    // Both bounds given: the larger is priced, whichever one the provider honours.
    long maxTokens = 0;
    for (String bound : OUTPUT_BOUNDS) {
      maxTokens = Math.max(maxTokens, RequestFields.maxTokens(body, bound, settings).orElse(0L));
    }
    if (maxTokens == 0) {
      maxTokens = settings.defaultMaxOutputTokens();
    }
    return new CallRequest(
        model,
        RequestFields.stream(body),
        maxTokens,
        RequestFields.answers(body),
        bytes.length(),
        body,
        bytes,
        Map.of());
  }

  @Override
  public Buffer upstreamBody(CallRequest call, String model) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("model", model);
    JsonObject body = call.body();
    // The provider is held to the bound that was priced: a bound the client named as null would
    // leave it to the provider's own (the model's output cap), past what was reserved.
    boolean named = false;
    for (String bound : OUTPUT_BOUNDS) {
      if (body.containsKey(bound)) {
        named = true;
        if (body.getValue(bound) == null) {
          fields.put(bound, call.maxOutputTokens());
        }
      }
    }
    if (!named) {
      fields.put("max_completion_tokens", call.maxOutputTokens());
    }
    if (call.stream()) {
      JsonObject options = RequestFields.streamOptions(body);
      fields.put("stream_options", options.copy().put("include_usage", true));
    }
    return call.upstream(fields);
  }

  @Override
  public Optional<TokenUsage> usage(JsonObject reported) {
    return Usages.read(() -> ReportedUsage.openAiChat(reported));
  }

  @Override
  public StreamMeter meter(CallRequest call) {
    return new Meter(
        Boolean.TRUE.equals(RequestFields.streamOptions(call.body()).getValue("include_usage")));
  }

  /**
   * Reads the usage chunk, the stream's final count, which comes after the last choice's chunk; a
   * chunk with choices is output no earlier usage counts ({@link StreamUsage#produced}), so an
   * early usage (a prompt count before the answer) never stands for the output. The gateway always
   * asks for that chunk; a client that did not ask does not see it, since a client reading {@code
   * choices[0]} of every chunk would fail on its empty {@code choices}. A usage that is not an
   * object, or cannot be read, is no report ({@link StreamUsage}).
   */
  private static final class Meter implements StreamMeter {
    private final boolean clientAskedUsage;
    private final StreamUsage reported = new StreamUsage();

    Meter(boolean clientAskedUsage) {
      this.clientAskedUsage = clientAskedUsage;
    }

    @Override
    public boolean event(JsonObject data) {
      Object choices = data.getValue("choices");
      boolean usageChunk = choices instanceof JsonArray none && none.isEmpty();
      if (choices instanceof JsonArray made && !made.isEmpty()) {
        reported.produced();
      }
      Object usage = data.getValue("usage");
      if (usage == null) {
        return true;
      }
      reported.all(
          usage instanceof JsonObject counts
              ? Usages.read(() -> ReportedUsage.openAiChat(counts))
              : Optional.empty());
      return clientAskedUsage || !usageChunk;
    }

    @Override
    public void unreadable() {
      reported.all(Optional.empty());
    }

    @Override
    public Charge charge(TokenUsage bound, boolean completed) {
      return reported.charge(bound, completed);
    }
  }
}
