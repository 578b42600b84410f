package com.infrafabric.governor.gateway;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** Reads the fields every gateway endpoint checks, refusing a wrong one with 400 naming it. */
final class RequestFields {

  /** A {@code logit_bias} key: a token id. */
  private static final Pattern TOKEN_ID = Pattern.compile("[0-9]{1,10}");

  /** A {@code logit_bias} value's range, OpenAI's. */
  private static final Range LOGIT_BIAS = Range.decimal("logit_bias", -100, 100);

  /** The most answers one call may ask for. */
  static final int MAX_ANSWERS = 16;

  private RequestFields() {}

  /** The {@code model}: a model or alias name. */
  static String model(JsonObject body) {
    Object value = body.getValue("model");
    if (!(value instanceof String model) || !GatewaySettings.MODEL.matcher(model).matches()) {
      throw invalid("model", "model must be a model or alias name");
    }
    return model;
  }

  /**
   * Refuses a body whose {@code messages} is not a non-empty array of objects (both chat dialects
   * need one): refused here, before anything is reserved, not by the provider after.
   */
  static void requireMessages(JsonObject body) {
    if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      throw invalid("messages", "messages must be a non-empty array");
    }
    for (int i = 0; i < messages.size(); i++) {
      String at = "messages[" + i + "]";
      if (!(messages.getValue(i) instanceof JsonObject message)) {
        throw invalid("messages", at + " must be an object");
      }
      if (!(message.getValue("role") instanceof String)) {
        throw invalid(at + ".role", at + ".role must be a string");
      }
      Object content = message.getValue("content");
      if (content != null && !(content instanceof String) && !(content instanceof JsonArray)) {
        throw invalid(at + ".content", at + ".content must be a string or an array of parts");
      }
    }
  }

  /**
   * OpenAI's {@code stream_options}: an object, empty when absent or null, whose {@code
   * include_usage} is a boolean if given.
   */
  static JsonObject streamOptions(JsonObject body) {
    Object value = body.getValue("stream_options");
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject options)) {
      throw invalid("stream_options", "stream_options must be an object");
    }
    Object includeUsage = options.getValue("include_usage");
    if (includeUsage != null && !(includeUsage instanceof Boolean)) {
      throw invalid(
          "stream_options.include_usage", "stream_options.include_usage must be a boolean");
    }
    return options;
  }

  /** The {@code stream} flag, false when absent. */
  static boolean stream(JsonObject body) {
    Object value = body.getValue("stream");
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean stream)) {
      throw invalid("stream", "stream must be true or false");
    }
    return stream;
  }

  /**
   * The output bound {@code field} gives, checked against the gateway's largest; empty when the
   * body has no such field.
   */
  static Optional<Long> maxTokens(JsonObject body, String field, GatewaySettings settings) {
    Object value = body.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw invalid(field, field + " must be a whole number");
    }
    long tokens = ((Number) value).longValue();
    if (tokens < 1 || tokens > settings.maxOutputTokens()) {
      throw invalid(field, field + " " + tokens + " is outside 1.." + settings.maxOutputTokens());
    }
    return Optional.of(tokens);
  }

  /**
   * A numeric request field's range, as the provider's API reference gives it: a value outside it
   * (or a number no provider could read, such as {@code 1e99999}) is refused here, before anything
   * is reserved, instead of being relayed for the provider to refuse or to misread.
   *
   * @param field the field's name
   * @param min the smallest value allowed
   * @param max the largest value allowed
   * @param whole true if the value must be a whole number
   */
  record Range(String field, BigDecimal min, BigDecimal max, boolean whole) {

    static Range decimal(String field, double min, double max) {
      return new Range(field, BigDecimal.valueOf(min), BigDecimal.valueOf(max), false);
    }

    static Range whole(String field, long min, long max) {
      return new Range(field, BigDecimal.valueOf(min), BigDecimal.valueOf(max), true);
    }

    /** Refuses {@code body}'s value of the field unless absent, null or within the range. */
    void check(JsonObject body) {
      checkValue(body.getValue(field));
    }

    /** Refuses {@code value}, one of the field's, unless null or within the range. */
    void checkValue(Object value) {
      if (value == null) {
        return;
      }
      // The request's reader gives whole numbers as Integer, Long or BigInteger, others exactly.
      BigDecimal number = null;
      if (value instanceof BigDecimal exact) {
        number = exact;
      } else if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
        number = new BigDecimal(value.toString());
      }
      boolean fits =
          number != null
              && number.compareTo(min) >= 0
              && number.compareTo(max) <= 0
              && (!whole || number.stripTrailingZeros().scale() <= 0);
      if (!fits) {
        throw invalid(
            field,
            field
                + " must be "
                + (whole ? "a whole number" : "a number")
                + " in "
                + min.toPlainString()
                + ".."
                + max.toPlainString());
      }
    }
  }

  /**
   * A request field whose value is one of the names the provider's API reference lists, checked
   * where the value changes what the gateway must bound: how it sizes the answer, or how the
   * provider bills the call. Any other is refused here, before anything is reserved, rather than
   * relayed to a provider that might honour it in a way the gateway did not price or the client's
   * SDK cannot read.
   *
   * @param field the field's name
   * @param names the values allowed
   */
  record Choice(String field, List<String> names) {

    Choice {
      names = List.copyOf(names);
    }

    static Choice of(String field, String... names) {
      return new Choice(field, List.of(names));
    }

    /** Refuses {@code body}'s value of the field unless absent, null or one of the names. */
    void check(JsonObject body) {
      checkValue(body.getValue(field), field);
    }

    /**
     * Refuses {@code value}, the field's at the path {@code at}, unless null or one of the names.
     */
    void checkValue(Object value, String at) {
      if (value != null && !names.contains(value)) {
        throw invalid(at, at + " must be one of " + String.join(", ", names));
      }
    }
  }

  /**
   * OpenAI's {@code logit_bias}: absent, or an object mapping token ids to biases in -100..100, as
   * its API reference gives them.
   */
  static void requireLogitBias(JsonObject body) {
    Object value = body.getValue("logit_bias");
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonObject biases)) {
      throw invalid("logit_bias", "logit_bias must be an object of token ids to biases");
    }
    for (String token : biases.fieldNames()) {
      if (!TOKEN_ID.matcher(token).matches()) {
        throw invalid("logit_bias", "logit_bias keys must be token ids");
      }
      Object biasOfToken = biases.getValue(token);
      if (biasOfToken == null) {
        throw invalid("logit_bias", "logit_bias values must be numbers in -100..100");
      }
      LOGIT_BIAS.checkValue(biasOfToken);
    }
  }

  /** The answers OpenAI's {@code n} asks for, 1..{@value #MAX_ANSWERS}; 1 when absent. */
  static int answers(JsonObject body) {
    Object value = body.getValue("n");
    if (value == null) {
      return 1;
    }
    if (!(value instanceof Integer n) || n < 1 || n > MAX_ANSWERS) {
      throw invalid("n", "n must be a whole number in 1.." + MAX_ANSWERS);
    }
    return n;
  }

  /**
   * Gives {@code check} each object of {@code value} (at {@code at}) with its path; nothing if it
   * is not an array.
   */
  static void each(Object value, String at, BiConsumer<JsonObject, String> check) {
    if (value instanceof JsonArray items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.getValue(i) instanceof JsonObject item) {
          check.accept(item, at + "[" + i + "]");
        }
      }
    }
  }

  static ApiException invalid(String field, String message) {
    return ApiException.of(ErrorCode.INVALID_REQUEST, message + ".", Map.of("field", field));
  }
}
