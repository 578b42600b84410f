package com.infrafabric.platform.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
            where + name,
            "is not a known field (allowed: "
                + String.join(", ", allowed.stream().sorted().toList())
                + ")");
      }
    }
    return new Fields(body, where);
  }

  public boolean has(String name) {
    return body.getValue(name) != null;
  }

  public String string(String name) {
    return optionalString(name).orElseThrow(() -> malformed(where + name, "is required"));
  }

  public Optional<String> optionalString(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw malformed(where + name, "must be a string");
  }

  public long integer(String name) {
    return optionalInteger(name).orElseThrow(() -> malformed(where + name, "is required"));
  }

  public Optional<Long> optionalInteger(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Integer || value instanceof Long) {
      return Optional.of(((Number) value).longValue());
    }
    throw malformed(where + name, "must be an integer");
  }

  public Optional<JsonObject> optionalObject(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof JsonObject object) {
      return Optional.of(object);
    }
    throw malformed(where + name, "must be an object");
  }

  public JsonArray array(String name) {
    Object value = body.getValue(name);
    if (value instanceof JsonArray array) {
      return array;
    }
    throw malformed(where + name, value == null ? "is required" : "must be an array");
  }

  /**
   * The value of {@code name} whatever its JSON type (object, array, string, number, boolean).
   *
   * @throws ApiException if it is missing or null
   */
  public Object value(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      throw malformed(where + name, "is required");
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
