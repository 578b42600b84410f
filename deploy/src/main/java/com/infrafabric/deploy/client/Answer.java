package com.infrafabric.deploy.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A service's JSON answer as a client command reads it. A field the command needs ({@link #string},
 * {@link #value}, {@link #objects}, ...) that the answer lacks, or holds as another type, fails
 * with {@link ForeignAnswer} naming the server, so an answer from something other than the service
 * is never printed as an empty table or {@code null}; fields a service may leave out are read with
 * {@link #optional}. Immutable; thread-safe if the JSON is not changed.
 */
final class Answer {

  private final JsonObject json;
  private final Function<String, RuntimeException> foreign;

  private Answer(JsonObject json, Function<String, RuntimeException> foreign) {
    this.json = json;
    this.foreign = foreign;
  }

  /** {@code json}, which a reply to {@code request} ("GET /v1/pricing") held. */
  static Answer of(JsonObject json, String request, Function<String, ForeignAnswer> foreign) {
    return new Answer(json, detail -> foreign.apply("its answer to " + request + " " + detail));
  }

  /** An answer a command makes itself, e.g. after a DELETE, whose 204 has nothing to print. */
  static Answer made(JsonObject json) {
    return new Answer(json, detail -> new IllegalStateException("made answer " + detail));
  }

  /** The whole answer, as {@code --json} prints it. */
  JsonObject json() {
    return json;
  }

  String string(String field) {
    return required(field, String.class, "a string");
  }

  /** A field that must be present and not null, of any JSON scalar type (a number, a string). */
  Object value(String field) {
    Object value = json.getValue(field);
    if (value == null || value instanceof JsonObject || value instanceof JsonArray) {
      throw foreign.apply("has no value \"" + field + "\"");
    }
    return value;
  }

  /** A field the service may leave out or set to null; {@code null} then. */
  Object optional(String field) {
    return json.getValue(field);
  }

  Answer object(String field) {
    return nested(required(field, JsonObject.class, "an object"));
  }

  /** A field holding an array of objects, each read as an answer. */
  List<Answer> objects(String field) {
    JsonArray array = required(field, JsonArray.class, "an array");
    if (!array.stream().allMatch(JsonObject.class::isInstance)) {
      throw foreign.apply("has \"" + field + "\" that is not an array of objects");
    }
    return array.stream().map(JsonObject.class::cast).map(this::nested).toList();
  }

  JsonArray array(String field) {
    return required(field, JsonArray.class, "an array");
  }

  /** A field holding an array, each element as text. */
  List<String> strings(String field) {
    return array(field).stream().map(String::valueOf).toList();
  }

  Set<String> fieldNames() {
    return json.fieldNames();
  }

  private Answer nested(JsonObject object) {
    return new Answer(object, foreign);
  }

  private <T> T required(String field, Class<T> type, String what) {
    Object value = json.getValue(field);
    if (!type.isInstance(value)) {
      throw foreign.apply("has no " + what + " \"" + field + "\"");
    }
    return type.cast(value);
  }
}
