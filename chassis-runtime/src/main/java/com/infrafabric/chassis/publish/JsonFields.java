package com.infrafabric.chassis.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Strict reads from one JSON object of a contract: required fields, exact types, and no fields the
 * format does not define, each failure naming the field by its dotted path.
 */
final class JsonFields {

  private final JsonObject object;
  private final String path;

  JsonFields(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  /** Fails if the object holds a field outside {@code known}. */
  JsonFields only(Set<String> known) {
    for (String field : object.fieldNames()) {
      if (!known.contains(field)) {
        throw new IllegalArgumentException("contract has unknown field " + name(field));
      }
    }
    return this;
  }

  String string(String field) {
    return typed(field, String.class, "a string");
  }

  long integer(String field) {
    Object value = required(field);
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("contract field " + name(field) + " must be an integer");
    }
    return ((Number) value).longValue();
  }

  int intValue(String field) {
    long value = integer(field);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "contract field " + name(field) + " " + value + " is out of range");
    }
    return (int) value;
  }

  Duration millis(String field) {
    return Duration.ofMillis(integer(field));
  }

  double number(String field) {
    return typed(field, Number.class, "a number").doubleValue();
  }

  JsonFields object(String field) {
    return new JsonFields(typed(field, JsonObject.class, "an object"), name(field));
  }

  List<String> strings(String field) {
    JsonArray array = typed(field, JsonArray.class, "an array");
    for (Object item : array) {
      if (!(item instanceof String)) {
        throw new IllegalArgumentException(
            "contract field " + name(field) + " must hold only strings");
      }
    }
    return array.stream().map(String.class::cast).toList();
  }

  /** An optional string field; empty when the field is absent. */
  Optional<String> optionalString(String field) {
    return object.containsKey(field) ? Optional.of(string(field)) : Optional.empty();
  }

  /** An optional object field, as the object itself; empty when the field is absent. */
  Optional<JsonObject> optionalObject(String field) {
    return object.containsKey(field)
        ? Optional.of(typed(field, JsonObject.class, "an object"))
        : Optional.empty();
  }

  /** The strings of an optional array field; empty when the field is absent. */
  List<String> optionalStrings(String field) {
    return object.containsKey(field) ? strings(field) : List.of();
  }

  Set<String> fieldNames() {
    return object.fieldNames();
  }

  String name(String field) {
    return path.isEmpty() ? field : path + '.' + field;
  }

  private <T> T typed(String field, Class<T> type, String description) {
    Object value = required(field);
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          "contract field " + name(field) + " must be " + description);
    }
    return type.cast(value);
  }

  private Object required(String field) {
    Object value = object.getValue(field);
    if (value == null) {
      throw new IllegalArgumentException("contract field " + name(field) + " is missing");
    }
    return value;
  }
}
