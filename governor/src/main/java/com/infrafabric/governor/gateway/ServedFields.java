package com.infrafabric.governor.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The parts of a request a wire serves: the fields, and the types of the parts in its arrays, whose
 * cost the call's worst case bounds. That worst case counts every byte of the request a token and
 * every answer its whole output bound, which bounds text, tool definitions and schemas; it does not
 * bound what a provider bills by another measure (an image's pixels, a document's pages, audio, a
 * server tool's uses, an output modality, a dearer service tier), nor a field the gateway does not
 * know. A request naming anything else is refused with 400, naming it, before anything is reserved,
 * rather than relayed for the provider to bill past the reservation. Each wire declares its own
 * once, as constants. Stateless.
 */
final class ServedFields {

  /** The type of a part that names none, where the API allows that (Anthropic's custom tools). */
  static final String UNTYPED = "";

  private ServedFields() {}

  /**
   * Refuses {@code object} (at {@code at}, a field path, empty for the body itself) if it has a
   * field not in {@code served}.
   */
  static void fields(JsonObject object, Set<String> served, String at) {
    for (String field : object.fieldNames()) {
      if (!served.contains(field)) {
        throw unbounded(at.isEmpty() ? field : at + "." + field, "the field " + field);
      }
    }
  }

  /**
   * Refuses {@code value} (at {@code at}) if it is an array with an element that is not an object
   * whose {@code type} is in {@code served}; anything else (absent, a text) it leaves to the wire's
   * other checks.
   */
  static void types(Object value, Set<String> served, String at) {
    if (!(value instanceof JsonArray parts)) {
      return;
    }
    for (int i = 0; i < parts.size(); i++) {
      String part = at + "[" + i + "]";
      if (!(parts.getValue(i) instanceof JsonObject object)) {
        throw RequestFields.invalid(part, part + " must be an object");
      }
      Object type = object.getValue("type", UNTYPED);
      if (!(type instanceof String named) || !served.contains(named)) {
        throw unbounded(part + ".type", "a part of type " + named(type));
      }
    }
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

  private static String named(Object type) {
    return type instanceof String text && !text.isEmpty() ? text : "none";
  }

  private static RuntimeException unbounded(String path, String what) {
    return RequestFields.invalid(
        path,
        path
            + ": "
            + what
            + " is not served, since its cost cannot be bounded before the call (the gateway"
            + " reserves a call's worst case first); nothing was charged. The gateway's"
            + " documentation lists the fields and parts it serves");
  }
}
