package com.infrafabric.governor.gateway;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderFormat;
import com.infrafabric.llm.ProviderPaths;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/** OpenAI's {@code POST /v1/embeddings}: input tokens only, never streamed. */
final class OpenAiEmbeddingsWire implements Wire {

  /**
   * The requests served ({@link ServedShape}): the input (a text, or an array of texts, of token
   * ids or of arrays of token ids, each checked by {@link #checkInput}) and fields without a cost.
   */
  private static final ServedShape REQUEST =
      ServedShape.object("model", "encoding_format", "dimensions", "user")
          .with(
              "input",
              ServedShape.either(
                  ServedShape.SCALAR,
                  ServedShape.listOf(
                      ServedShape.either(
                          ServedShape.SCALAR, ServedShape.listOf(ServedShape.SCALAR)))));

  /**
   * How the answer's numbers are written, as OpenAI's API reference lists them: the answer's size
   * is bounded on it ({@link #checkAnswerFits}), and the SDKs read only these.
   */
  private static final RequestFields.Choice ENCODING_FORMAT =
      RequestFields.Choice.of("encoding_format", "float", "base64");

  /** The output size a caller may ask for, where the model supports choosing it. */
  private static final RequestFields.Range DIMENSIONS =
      RequestFields.Range.whole("dimensions", 1, 65_536);

  /** The most inputs one call may embed, as OpenAI's API allows. */
  static final int MAX_INPUTS = 2048;

  /** The fewest bytes one number of an embedding takes as JSON: a float32's digits and a comma. */
  private static final int FLOAT_BYTES = 12;

  /** The fewest bytes one number takes in base64 (four bytes, four thirds as many characters). */
  private static final int BASE64_FLOAT_BYTES = 5;

  /**
   * The numbers one embedding is counted to hold when the call names no {@code dimensions}: the
   * largest default output of OpenAI's embedding models ({@code text-embedding-3-large}; {@code
   * text-embedding-3-small} and {@code ada-002} make 1536), so no default answer is undercounted.
   */
  static final int DEFAULT_DIMENSIONS = 3072;

  @Override
  public ProviderFormat format() {
    return ProviderFormat.OPENAI_COMPATIBLE;
  }

  @Override
  public String upstreamPath() {
    return ProviderPaths.EMBEDDINGS;
  }

  @Override
  public CallRequest read(
      JsonObject body, Buffer bytes, MultiMap headers, GatewaySettings settings) {
    String model = RequestFields.model(body);
    Object input = body.getValue("input");
    checkInput(input);
    if (body.containsKey("stream")) {
      throw RequestFields.invalid("stream", "embeddings are not streamed");
    }
    DIMENSIONS.check(body);
    ENCODING_FORMAT.check(body);
    REQUEST.check(body, "");
    checkAnswerFits(body, input, settings.maxAnswerBytes());
    return new CallRequest(model, false, 0, 1, bytes.length(), body, bytes, Map.of());
  }

  /**
   * Refuses, before anything is reserved, a call whose answer could not be relayed: {@code inputs x
   * dimensions} numbers, each at least {@value #FLOAT_BYTES} bytes as JSON (a float32's digits and
   * a comma) or {@value #BASE64_FLOAT_BYTES} in base64, past the gateway's answer bound. The
   * provider would make and charge the whole answer, and the gateway could only drop it. Without
   * {@code dimensions} the size is the model's own, which the gateway cannot know (an alias may
   * name any model): it is counted as {@value #DEFAULT_DIMENSIONS}, the largest default of OpenAI's
   * embedding models. A model whose default output is larger still can make an answer past the
   * bound, charged and said so; a caller that names {@code dimensions} is bounded on those.
   */
  private static void checkAnswerFits(JsonObject body, Object input, long maxAnswerBytes) {
    boolean named = body.getValue("dimensions") instanceof Number;
    long dimensions = named ? body.getLong("dimensions") : DEFAULT_DIMENSIONS;
    int perNumber =
        "base64".equals(body.getValue("encoding_format")) ? BASE64_FLOAT_BYTES : FLOAT_BYTES;
    long inputs = inputs(input);
    long atLeast = inputs * dimensions * perNumber;
    if (atLeast > maxAnswerBytes) {
      throw RequestFields.invalid(
          named ? "dimensions" : "input",
          "the answer to "
              + inputs
              + " inputs of "
              + (named
                  ? dimensions + " dimensions"
                  : "the model's default dimensions (counted as "
                      + DEFAULT_DIMENSIONS
                      + ", the largest default of OpenAI's embedding models)")
              + " is at least "
              + atLeast
              + " bytes, more than the "
              + maxAnswerBytes
              + " the gateway relays (gateway.maxAnswerBytes): send fewer inputs in one call,"
              + " fewer dimensions, or encoding_format base64; nothing was charged");
    }
  }

  /** How many embeddings {@code input} asks for: one per text or token array, one for token ids. */
  private static long inputs(Object input) {
    return input instanceof JsonArray items && !(items.getValue(0) instanceof Number)
        ? items.size()
        : 1;
  }

  /**
   * OpenAI's forms of {@code input}: a text, or a non-empty array of at most {@value #MAX_INPUTS}
   * texts, of token ids, or of non-empty arrays of token ids; texts are not empty and a token id is
   * a whole number from 0 to 2^31 - 1. Anything else is refused here, before a reservation is
   * priced on it.
   */
  static void checkInput(Object input) {
    if (input instanceof String text) {
      if (text.isEmpty()) {
        throw RequestFields.invalid("input", "input must not be empty");
      }
      return;
    }
    if (!(input instanceof JsonArray items) || items.isEmpty() || items.size() > MAX_INPUTS) {
      throw RequestFields.invalid(
          "input", "input must be a text or an array of 1 to " + MAX_INPUTS + " inputs");
    }
    Object first = items.getValue(0);
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      boolean sameForm =
          first instanceof String
              ? item instanceof String text && !text.isEmpty()
              : first instanceof JsonArray
                  ? item instanceof JsonArray ids && !ids.isEmpty() && tokenIds(ids)
                  : tokenId(item);
      if (!sameForm) {
        throw RequestFields.invalid(
            "input",
            "input["
                + i
                + "] must be, as the first input, a non-empty text, a token id (0 to 2^31 - 1)"
                + " or a non-empty array of token ids");
      }
    }
  }

  private static boolean tokenIds(JsonArray ids) {
    for (Object id : ids) {
      if (!tokenId(id)) {
        return false;
      }
    }
    return true;
  }

  private static boolean tokenId(Object value) {
    return (value instanceof Integer || value instanceof Long)
        && ((Number) value).longValue() >= 0
        && ((Number) value).longValue() <= Integer.MAX_VALUE;
  }

  @Override
  public Buffer upstreamBody(CallRequest call, String model) {
    return call.upstream(Map.of("model", model));
  }

  @Override
  public Optional<TokenUsage> usage(JsonObject reported) {
    return Usages.read(() -> ReportedUsage.openAiEmbeddings(reported));
  }

  @Override
  public StreamMeter meter(CallRequest call) {
    throw new UnsupportedOperationException("embeddings are not streamed");
  }
}
