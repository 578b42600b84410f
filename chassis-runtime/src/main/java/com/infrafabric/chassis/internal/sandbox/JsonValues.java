package com.infrafabric.chassis.internal.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.infrafabric.platform.http.StrictJson;
import java.io.IOException;

/**
 * Checks that text is exactly one JSON value nested at most {@link #MAX_DEPTH} levels, streaming,
 * without building it, and as strict as the services' {@code StrictJson} is with requests: no
 * object repeats a name, no string or name escapes a lone surrogate, every number with a fraction
 * or exponent has an exponent within {@link StrictJson#MAX_DECIMAL_EXPONENT}. Whether or not a
 * contract declares an output schema, what reaches a caller is JSON every reader agrees on.
 * Jackson's read constraints bound string length, so hostile input cannot exhaust the host.
 *
 * <p>The depth bound is the chassis's own and far below Jackson's: a tool's output is embedded in
 * the invocation answer one level down, and every client that parses the answer has a nesting limit
 * of its own (Jackson's default is 1000). An output that passed here must still be an answer anyone
 * can read.
 */
public final class JsonValues {

  /** The deepest nesting of arrays and objects accepted in an input or an output. */
  public static final int MAX_DEPTH = 128;

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Not JSON (RFC 8259 forbids adding one), and it would be embedded as it stands. */
  private static final String BYTE_ORDER_MARK = "\uFEFF";

  private JsonValues() {}

  /** What {@link #check} found. */
  public enum Verdict {
    /** One JSON value, nested at most {@link #MAX_DEPTH} levels. */
    SINGLE_VALUE,
    /**
     * Not JSON, empty, more than one value, or JSON a strict reader refuses (a repeated name, a
     * lone surrogate, an exponent out of range).
     */
    NOT_A_SINGLE_VALUE,
    /** One JSON value nested deeper than {@link #MAX_DEPTH} levels. */
    TOO_DEEP
  }

  /**
   * Checks text, not bytes: a byte parser would detect UTF-16 or UTF-32 and skip a byte order mark,
   * and then accept bytes that are not the JSON text the answer embeds.
   */
  public static Verdict check(String text) {
    if (text.startsWith(BYTE_ORDER_MARK)) {
      return Verdict.NOT_A_SINGLE_VALUE;
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        return Verdict.NOT_A_SINGLE_VALUE;
      }
      if (!withinDepth(parser)) {
        return Verdict.TOO_DEEP;
      }
      return parser.nextToken() == null ? Verdict.SINGLE_VALUE : Verdict.NOT_A_SINGLE_VALUE;
    } catch (IOException e) {
      return Verdict.NOT_A_SINGLE_VALUE;
    }
  }

  /**
   * Reads to the end of the value the parser stands on; false as soon as it nests too deep.
   *
   * @throws IOException if the value is not strict JSON
   */
  private static boolean withinDepth(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    strict(parser, token);
    int depth = token.isStructStart() ? 1 : 0;
    while (depth > 0) {
      token = parser.nextToken();
      if (token == null) {
        throw new IOException("the value ends early");
      }
      strict(parser, token);
      if (token.isStructStart() && ++depth > MAX_DEPTH) {
        return false;
      } else if (token.isStructEnd()) {
        depth--;
      }
    }
    return true;
  }

  /** Refuses what a strict reader would refuse in the token the parser stands on. */
  private static void strict(JsonParser parser, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
      if (!StrictJson.pairsEverySurrogate(parser.getText())) {
        throw new IOException("a string escapes a lone surrogate");
      }
    } else if (token == JsonToken.VALUE_NUMBER_FLOAT
        && StrictJson.decimalWithinRange(parser).isEmpty()) {
      throw new IOException("a number's exponent is out of range");
    }
  }

  /** A sentence for a caller about a verdict other than {@link Verdict#SINGLE_VALUE}. */
  public static String problem(String what, Verdict verdict) {
    return verdict == Verdict.TOO_DEEP
        ? what + " nests arrays and objects deeper than " + MAX_DEPTH + " levels"
        : what + " is not a single JSON value";
  }
}
