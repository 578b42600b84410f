package com.infrafabric.governor.http;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads typed fields from a request body strictly: a missing required field, a wrong type or an
 * unknown field is a 400 naming the field, never a silent default.
 */
final class Fields {

  private final JsonObject body;
  private final String where;

  private Fields(JsonObject body, String where) {
    this.body = body;
    this.where = where;
  }

  /** Reads {@code body}, refusing any field not in {@code allowed}. */
  static Fields of(JsonObject body, Set<String> allowed) {
    return of(body, "", allowed);
  }

  static Fields of(JsonObject body, String where, Set<String> allowed) {
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

  boolean has(String name) {
    return body.getValue(name) != null;
  }

  String string(String name) {
    return optionalString(name).orElseThrow(() -> malformed(where + name, "is required"));
  }

  Optional<String> optionalString(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof String text) {
      return Optional.of(text);
    }
    throw malformed(where + name, "must be a string");
  }

  long integer(String name) {
    return optionalInteger(name).orElseThrow(() -> malformed(where + name, "is required"));
  }

  Optional<Long> optionalInteger(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Integer || value instanceof Long) {
      return Optional.of(((Number) value).longValue());
    }
    throw malformed(where + name, "must be an integer");
  }

  Optional<JsonObject> optionalObject(String name) {
    Object value = body.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof JsonObject object) {
      return Optional.of(object);
    }
    throw malformed(where + name, "must be an object");
  }

  JsonArray array(String name) {
    Object value = body.getValue(name);
    if (value instanceof JsonArray array) {
      return array;
    }
    throw malformed(where + name, value == null ? "is required" : "must be an array");
  }

  static GovernorException malformed(String field, String why) {
    return new GovernorException(
        ErrorCode.INVALID_REQUEST, field + " " + why, Map.of("field", field));
  }
}
