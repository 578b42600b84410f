package com.infrafabric.platform.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The one JSON reader for everything a client sends: request bodies, and JSON carried inside them
 * (signed contracts). It accepts exactly RFC 8259 JSON and nothing a lenient parser would repair,
 * so the service and any other reader of the same bytes can never disagree about what they mean:
 *
 * <ul>
 *   <li>the bytes must be well-formed UTF-8, decoded strictly before parsing: overlong forms
 *       ({@code C0 AF} for {@code /}), encoded surrogates and code points past U+10FFFF are
 *       refused, never replaced or normalised; a {@code \}{@code u} escape of an unpaired surrogate
 *       is refused too;
 *   <li>no comments, trailing commas, single quotes, unquoted names, leading zeros, {@code NaN} or
 *       {@code Infinity};
 *   <li>no object repeats a key;
 *   <li>arrays and objects nest at most {@value #MAX_DEPTH} deep, a number has at most {@value
 *       #MAX_NUMBER_LENGTH} characters and a decimal exponent within &plusmn;{@value
 *       #MAX_DECIMAL_EXPONENT}, a name has at most {@value #MAX_NAME_LENGTH} characters: each limit
 *       is named when it refuses a text;
 *   <li>a text holds at most as many values (objects, arrays, strings, numbers, booleans, nulls) as
 *       its reader allows, {@value #MAX_VALUES} unless it says fewer (a request body: {@value
 *       #MAX_BODY_VALUES} unless its route declares more), and one in {@value
 *       #VALUES_PER_CONTAINER} of them at most may be an object or an array: each counted as it is
 *       read, so a text over either is refused before the rest of it is built.
 * </ul>
 *
 * <p>Integers come back as {@link Integer}, {@link Long} or (beyond 64 bits) {@link
 * java.math.BigInteger}; numbers with a fraction or exponent as an exact {@link
 * java.math.BigDecimal}, never a rounded or infinite {@code double}. Thread-safe.
 */
public final class StrictJson {

  /** The deepest nesting of arrays and objects accepted, in a request or anywhere in it. */
  public static final int MAX_DEPTH = 64;

  /** The most digits an integer may have (Jackson's default, declared here). */
  public static final int MAX_NUMBER_LENGTH = 1000;

  /**
   * The largest power of ten a number may be written with, either way ({@code 1e1000} and {@code
   * 1e-1000} are the extremes), well past what a double or a decimal128 holds. An exponent is a few
   * characters that the length limit does not weigh, while exact arithmetic on the number it writes
   * (a schema's integer or {@code multipleOf} check, a conversion) costs work growing with its
   * square: {@code 1e60000}, eleven bytes, held a thread for seconds.
   */
  public static final int MAX_DECIMAL_EXPONENT = 1000;

  /** The longest object member name accepted, in characters (Jackson's default, declared here). */
  public static final int MAX_NAME_LENGTH = 50_000;

  /**
   * The most values any JSON text read holds: what a free-form body of a megabyte needs (an
   * embeddings call's token ids, a tool's input of numbers), the bound of a guest's JSON and a
   * contract, and what a route whose bodies are free-form declares ({@link
   * Routes#withJsonValueLimit}).
   */
  public static final int MAX_VALUES = 1 << 18;

  /**
   * The most values a request body holds unless its route declares more: ample for every body of
   * the control plane (a pricing catalogue of 1,000 models, a policy of 100 downgrades). A tree
   * costs up to thirty times its text (an empty object, three bytes, is a map of some ninety), so a
   * megabyte of {@code [{},{},...]} was read as 35 MB before it was refused, and 120 of them at
   * once stalled the node in GC long enough for its Redis client to give up.
   */
  public static final int MAX_BODY_VALUES = 20_000;

  /**
   * At most one value in this many may be an object or an array, the costly ones: a text of its
   * reader's most values builds at most an eighth as many maps and lists.
   */
  public static final int VALUES_PER_CONTAINER = 8;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .maxNameLength(MAX_NAME_LENGTH)
                  .build())
          .build();

  private StrictJson() {}

  /**
   * One JSON value (object, array, string, number, boolean or null for JSON {@code null}) of at
   * most {@value #MAX_VALUES} values.
   *
   * @throws ApiException 400 {@code MALFORMED_REQUEST} saying what is wrong, never echoing input
   */
  public static Object parse(byte[] utf8) {
    return parse(utf8, MAX_VALUES);
  }

  /**
   * One JSON value of at most {@code maxValues} values, of which at most one in {@value
   * #VALUES_PER_CONTAINER} an object or an array.
   *
   * @throws ApiException 400 {@code MALFORMED_REQUEST} saying what is wrong, never echoing input
   */
  public static Object parse(byte[] utf8, int maxValues) {
    ValueCount count = new ValueCount(maxValues);
    String text =
        wellFormedUtf8(utf8)
            .orElseThrow(() -> malformed("The request body is not well-formed UTF-8."));
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        throw malformed("The JSON text is empty.");
      }
      Object value = value(parser, count);
      if (parser.nextToken() != null) {
        throw malformed("The JSON text has more than one value.");
      }
      return value;
    } catch (StreamConstraintsException e) {
      throw malformed(exceeded(e));
    } catch (IOException e) {
      throw malformed("The request body is not valid JSON.");
    }
  }

  /**
   * A request body as one JSON object of at most {@code maxValues} values.
   *
   * @throws ApiException 415 {@code UNSUPPORTED_MEDIA_TYPE} unless sent as {@code
   *     application/json}; 400 {@code MALFORMED_REQUEST} if empty, not strict JSON or not an object
   */
  static JsonObject object(String contentType, Buffer body, int maxValues) {
    requireJsonContentType(contentType);
    if (body == null || body.length() == 0) {
      throw malformed("The request body is empty; a JSON object is required.");
    }
    if (parse(body.getBytes(), maxValues) instanceof JsonObject object) {
      return object;
    }
    throw malformed("The request body must be a JSON object.");
  }

  /**
   * Accepts {@code application/json}, with no charset or UTF-8's: JSON exchanged between systems is
   * UTF-8 (RFC 8259), and a body declared as another charset would be read as what it is not.
   *
   * @throws ApiException 415 {@code UNSUPPORTED_MEDIA_TYPE} otherwise
   */
  public static void requireJsonContentType(String contentType) {
    String[] parts = contentType == null ? new String[] {""} : contentType.split(";");
    if (!"application/json".equalsIgnoreCase(parts[0].strip())) {
      throw ApiException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be sent as application/json.");
    }
    for (int i = 1; i < parts.length; i++) {
      String[] parameter = parts[i].split("=", 2);
      if (!parameter[0].strip().equalsIgnoreCase("charset")) {
        continue;
      }
      String charset = parameter.length < 2 ? "" : parameter[1].strip().replace("\"", "");
      if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
        throw ApiException.of(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "A JSON request body is UTF-8: a charset parameter, if sent, must be utf-8.");
      }
    }
  }

  /**
   * The bytes as text if they are well-formed UTF-8 (overlong forms and lone surrogates are not);
   * empty otherwise, where a lenient decoder would have put replacement characters in their place.
   */
  public static Optional<String> wellFormedUtf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static Object value(JsonParser parser, ValueCount count) throws IOException {
    JsonToken token = parser.currentToken();
    count.add(token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY);
    return switch (token) {
      case START_OBJECT -> object(parser, count);
      case START_ARRAY -> array(parser, count);
      case VALUE_STRING -> wellFormed(parser.getText());
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> decimal(parser);
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw malformed("The request body is not valid JSON.");
    };
  }

  /** A number with a fraction or exponent, exactly, if {@link #decimalWithinRange} reads it. */
  private static BigDecimal decimal(JsonParser parser) throws IOException {
    return decimalWithinRange(parser)
        .orElseThrow(
            () ->
                malformed(
                    "The JSON text holds a number whose decimal exponent is outside -"
                        + MAX_DECIMAL_EXPONENT
                        + ".."
                        + MAX_DECIMAL_EXPONENT
                        + "."));
  }

  /**
   * The number with a fraction or exponent the parser stands on, exactly, unless its magnitude's
   * power of ten (its leading digit's) or its last digit's lies beyond &plusmn;{@link
   * #MAX_DECIMAL_EXPONENT}: empty then, and for an exponent no {@code BigDecimal} holds ({@code
   * 1e2147483648}). Every strict reader of JSON applies it, streaming or not.
   */
  public static Optional<BigDecimal> decimalWithinRange(JsonParser parser) throws IOException {
    BigDecimal value;
    try {
      value = parser.getDecimalValue();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    long leading = (long) value.precision() - value.scale() - 1;
    long last = -(long) value.scale();
    boolean within =
        Math.abs(leading) <= MAX_DECIMAL_EXPONENT && Math.abs(last) <= MAX_DECIMAL_EXPONENT;
    return within ? Optional.of(value) : Optional.empty();
  }

  /** Which of the parser's limits a text passed, from Jackson's message (never echoing input). */
  private static String exceeded(StreamConstraintsException e) {
    String limit = String.valueOf(e.getMessage());
    if (limit.startsWith("Document nesting depth")) {
      return "The JSON text nests deeper than " + MAX_DEPTH + " levels.";
    }
    if (limit.startsWith("Number value length")) {
      return "The JSON text holds a number longer than " + MAX_NUMBER_LENGTH + " characters.";
    }
    if (limit.startsWith("Name length")) {
      return "The JSON text holds a name longer than " + MAX_NAME_LENGTH + " characters.";
    }
    return "The JSON text exceeds a limit of the parser.";
  }

  private static JsonObject object(JsonParser parser, ValueCount count) throws IOException {
    JsonObject object = new JsonObject(new LinkedHashMap<>());
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = wellFormed(parser.currentName());
      parser.nextToken();
      object.put(name, value(parser, count));
    }
    return object;
  }

  private static JsonArray array(JsonParser parser, ValueCount count) throws IOException {
    JsonArray array = new JsonArray();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      array.add(value(parser, count));
    }
    return array;
  }

  /** The values one text may still hold, counted as the parser reaches each. Not thread-safe. */
  private static final class ValueCount {
    private final int maxValues;
    private final int maxContainers;
    private int values;
    private int containers;

    ValueCount(int maxValues) {
      if (maxValues < 1) {
        throw new IllegalArgumentException("a bound of " + maxValues + " values");
      }
      this.maxValues = maxValues;
      this.maxContainers = Math.max(1, maxValues / VALUES_PER_CONTAINER);
    }

    void add(boolean container) {
      if (++values > maxValues) {
        throw malformed("The JSON text holds more than " + maxValues + " values.");
      }
      if (container && ++containers > maxContainers) {
        throw malformed("The JSON text holds more than " + maxContainers + " objects and arrays.");
      }
    }
  }

  /**
   * Refuses a string holding an unpaired surrogate (only a {@code \}{@code u} escape makes one).
   */
  private static String wellFormed(String text) {
    if (!pairsEverySurrogate(text)) {
      throw malformed("The JSON text escapes an unpaired UTF-16 surrogate.");
    }
    return text;
  }

  /**
   * Whether every surrogate in {@code text} is half of a pair: the check a strict reader makes of
   * each string and name it reads, as only a {@code \}{@code u} escape makes a lone one.
   */
  public static boolean pairsEverySurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static ApiException malformed(String message) {
    return ApiException.of(ErrorCode.MALFORMED_REQUEST, message);
  }
}
