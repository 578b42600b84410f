package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** OpenAI's {@code POST /v1/embeddings}: input tokens only, never streamed. */
final class OpenAiEmbeddingsWire implements Wire {

  /** The output size a caller may ask for, where the model supports choosing it. */
  private static final RequestFields.Range DIMENSIONS =
      RequestFields.Range.whole("dimensions", 1, 65_536);

  @Override
  public ProviderFormat format() {
    return ProviderFormat.OPENAI_COMPATIBLE;
  }

  @Override
  public String upstreamPath() {
    return ProviderPaths.EMBEDDINGS;
  }

  @Override
  public CallRequest read(JsonObject body, Buffer bytes, GatewaySettings settings) {
    String model = RequestFields.model(body);
    Object input = body.getValue("input");
    boolean text = input instanceof String s && !s.isEmpty();
    if (!text && !(input instanceof JsonArray array && !array.isEmpty())) {
      throw RequestFields.invalid("input", "input must be a non-empty string or array");
    }
    if (body.containsKey("stream")) {
      throw RequestFields.invalid("stream", "embeddings are not streamed");
    }
    DIMENSIONS.check(body);
    return new CallRequest(model, false, 0, 1, bytes.length(), inputTokens(input), body, bytes);
  }

  @Override
  public Buffer upstreamBody(CallRequest call, String model) {
    return call.upstream(Map.of("model", model));
  }

  /**
   * About the tokens of {@code input}: a token id is one token (the input may be token arrays, as
   * OpenAI's API accepts), a text four characters a token.
   */
  static long inputTokens(Object input) {
    if (input instanceof String text) {
      return StreamMeter.tokensOf(text.length());
    }
    if (input instanceof JsonArray items) {
      long tokens = 0;
      for (Object item : items) {
        tokens += item instanceof Number ? 1 : inputTokens(item);
      }
      return tokens;
    }
    return 0;
  }

  @Override
  public Map<String, String> upstreamHeaders(HttpServerRequest client) {
    return Map.of();
  }

  @Override
  public TokenUsage usage(JsonObject reported) {
    return Usages.governed(ReportedUsage.openAi(reported));
  }

  @Override
  public StreamMeter meter(CallRequest call) {
    throw new UnsupportedOperationException("embeddings are not streamed");
  }
}
