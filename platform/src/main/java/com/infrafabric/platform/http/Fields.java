package com.infrafabric.platform.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads typed fields from a request body strictly: a missing required field, a wrong type or an
 * unknown field is a 400 {@code INVALID_REQUEST} naming the field (in the message and as {@code
 * details.field}), never a silent default. A JSON {@code null} counts as missing.
 *
 * <pre>{@code
 * Fields body = Fields.of(Requests.jsonBody(ctx), Set.of("scope", "amount_micros"));
 * String scope = body.string("scope");
 * }</pre>
 */
public final class Fields {

  /** At most 19 digits: anything longer is out of every 64-bit range before it is parsed. */
  private static final Pattern DECIMAL = Pattern.compile("0|-?[1-9][0-9]{0,18}");

  /**
   * The instants the wire accepts: from the Unix epoch (Redis stream ids and expiries count
   * milliseconds from it and have no negative form) to the end of year 9999 (ISO-8601's four
   * digits; a later year overflows the milliseconds those ids count).
   */
  public static final Instant EARLIEST_INSTANT = Instant.EPOCH;

  public static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

  private final JsonObject body;
  private final String where;

  private Fields(JsonObject body, String where) {
    this.body = body;
    this.where = where;
  }

  /** Reads {@code body}, refusing any field not in {@code allowed}. */
  public static Fields of(JsonObject body, Set<String> allowed) {
    return of(body, "", allowed);
  }

  /**
   * Reads a nested object; {@code where} prefixes every field name in errors, e.g. {@code
   * "limits.day."}.
   */
  public static Fields of(JsonObject body, String where, Set<String> allowed) {
    for (String name : body.fieldNames()) {
      if (!allowed.contains(name)) {
        throw malformed(
            Excerpt.of(where + name, Excerpt.VALUE_CHARS),
            allowed.isEmpty()
                ? "is not a known field (this request takes none: send no body, or {})"
                : "is not a known field (allowed: "
                    + String.join(", ", allowed.stream().sorted().toList())
                    + ")");
      }
    }
    return new Fields(body, where);
  }

  /**
   * The full name of field {@code name} as the request names it, with this reader's prefix ({@code
   * limits.day.cap_micros}): the name a check made outside this class (an amount's range, a list's
   * order) must put in its refusal, so that every error names a field the same way.
   */
  public String fullName(String name) {
    return where + name;
  }

  public boolean has(String name) {
    return body.getValue(name) != null;
  }

  public String string(String name) {
    return optionalString(name).orElseThrow(() -> malformed(fullName(name), "is required"));
  }

  public Optional<String> optionalString(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw malformed(fullName(name), "must be a string");
  }

  /**
   * The string field {@code name}, empty when absent, for a field whose absence means something of
   * its own (expire now, say): an explicit JSON null is refused rather than read as that.
   */
  public Optional<String> optionalStringNotNull(String name) {
    if (body.containsKey(name) && body.getValue(name) == null) {
      throw malformed(fullName(name), "must not be null; leave it out instead");
    }
    return optionalString(name);
  }

  /**
   * A required JSON integer of any size, read exactly, for a field whose domain type checks its own
   * range and answers with its own code (amounts, token counts): one past 64 bits reaches that
   * check as it was sent, and is refused there like any other out of its range. Anything but an
   * integer, a string of digits included, is refused here.
   */
  public BigInteger exactInteger(String name) {
    return optionalExactInteger(name).orElseThrow(() -> malformed(fullName(name), "is required"));
  }

  /** An optional {@link #exactInteger(String)}. */
  public Optional<BigInteger> optionalExactInteger(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(
        exact(value).orElseThrow(() -> malformed(fullName(name), "must be an integer")));
  }

  /** {@code value} as the integer it is, when the parser read a JSON integer. */
  private static Optional<BigInteger> exact(Object value) {
    if (value instanceof BigInteger big) {
      return Optional.of(big);
    }
    return value instanceof Integer || value instanceof Long
        ? Optional.of(BigInteger.valueOf(((Number) value).longValue()))
        : Optional.empty();
  }

  /**
   * A required JSON integer within {@code min..max}; see {@link #optionalInteger(String, long,
   * long)}.
   */
  public long integer(String name, long min, long max) {
    return optionalInteger(name, min, max)
        .orElseThrow(() -> malformed(fullName(name), "is required"));
  }

  /**
   * An optional JSON integer within {@code min..max}, read exactly: a fraction, an exponent, a
   * string or a number past the range is refused naming the field and the range, never truncated or
   * rounded into it.
   */
  public Optional<Long> optionalInteger(String name, long min, long max) {
    Object value = body.getValue(name);
    return value == null
        ? Optional.empty()
        : Optional.of(integerValue(fullName(name), value, min, max));
  }

  /** A required JSON integer within {@code min..max}, as an {@code int}. */
  public int intValue(String name, int min, int max) {
    return (int) integer(name, min, max);
  }

  /** An optional JSON integer within {@code min..max}, as an {@code int}. */
  public Optional<Integer> optionalInt(String name, int min, int max) {
    return optionalInteger(name, min, max).map(Math::toIntExact);
  }

  /**
   * {@code value} (an element of a JSON array, say) as an integer within {@code min..max}.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} naming {@code field} and the range otherwise
   */
  public static long integerValue(String field, Object value, long min, long max) {
    BigInteger exact =
        exact(value).orElseThrow(() -> malformed(field, "must be an integer" + range(min, max)));
    if (exact.compareTo(BigInteger.valueOf(min)) < 0
        || exact.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(field, exact.toString(), min, max);
    }
    return exact.longValueExact();
  }

  /**
   * A number that the wire format carries as decimal text (a header, a query or path parameter, a
   * signed claim): ASCII digits with an optional leading {@code -}, no sign {@code +}, no leading
   * zero or {@code -0}, no spaces, within {@code min..max}.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} naming {@code field} otherwise
   */
  public static long decimal(String field, String text, long min, long max) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      throw malformed(field, "must be a decimal integer" + range(min, max));
    }
    BigInteger exact = new BigInteger(text);
    if (exact.compareTo(BigInteger.valueOf(min)) < 0
        || exact.compareTo(BigInteger.valueOf(max)) > 0) {
      throw outOfRange(field, text, min, max);
    }
    return exact.longValueExact();
  }

  /**
   * An instant the wire carries as ISO-8601 text ({@code 2026-11-23T00:00:00Z}), from {@link
   * #EARLIEST_INSTANT} to {@link #LATEST_INSTANT}.
   *
   * @throws ApiException 400 {@code INVALID_REQUEST} naming {@code field} otherwise
   */
  public static Instant instant(String field, String text) {
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw malformed(field, "must be an ISO-8601 instant such as 2026-11-23T00:00:00Z");
    }
    if (instant.isBefore(EARLIEST_INSTANT) || instant.isAfter(LATEST_INSTANT)) {
      throw malformed(field, "must be from " + EARLIEST_INSTANT + " to " + LATEST_INSTANT);
    }
    return instant;
  }

  private static ApiException outOfRange(String field, String value, long min, long max) {
    return ApiException.of(
        ErrorCode.INVALID_REQUEST,
        field + " " + Excerpt.of(value, Excerpt.VALUE_CHARS) + " is outside " + min + ".." + max,
        Map.of("field", field, "min", min, "max", max));
  }

  private static String range(long min, long max) {
    return min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "" : " from " + min + " to " + max;
  }

  public Optional<JsonObject> optionalObject(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof JsonObject object) {
      return Optional.of(object);
    }
    throw malformed(fullName(name), "must be an object");
  }

  public JsonArray array(String name) {
    Object value = body.getValue(name);
    if (value instanceof JsonArray array) {
      return array;
    }
    throw malformed(fullName(name), value == null ? "is required" : "must be an array");
  }

  /**
   * The value of {@code name} whatever its JSON type (object, array, string, number, boolean).
   *
   * @throws ApiException if it is missing or null
   */
  public Object value(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      throw malformed(fullName(name), "is required");
    }
    return value;
  }

  /**
   * The 400 {@code INVALID_REQUEST} for a field (or header, or query parameter) that is missing or
   * malformed, e.g. {@code malformed("If-Match", "must be a catalogue version number")}.
   */
  public static ApiException malformed(String field, String why) {
    return ApiException.of(ErrorCode.INVALID_REQUEST, field + " " + why, Map.of("field", field));
  }
}
