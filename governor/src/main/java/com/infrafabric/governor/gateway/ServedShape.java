package com.infrafabric.governor.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shape of the requests a wire serves, at every depth: each object's fields, each array's
 * elements, and each part's variants by its {@code type} (or a message's by its {@code role}),
 * whose cost the call's worst case bounds. That worst case counts every byte of the request a token
 * and every answer its whole output bound, which bounds text, tool definitions and schemas; it does
 * not bound what a provider bills by another measure (an image's pixels, a document's pages, audio,
 * a server tool's uses, a cache write it was not priced for, an output modality, a dearer service
 * tier), nor a field the gateway does not know. A request naming anything else, at any depth, is
 * refused with 400 naming its path ({@code messages[0].content[0].image_url}) before anything is
 * reserved, rather than relayed for the provider to bill past the reservation: a check of the top
 * level and of each part's {@code type} alone let an {@code image_url} inside a text part, or a
 * server tool's {@code max_uses} on a custom tool, through.
 *
 * <p>Each dialect declares its requests' shape once, as a constant built from these. A field whose
 * value is JSON {@code null} is taken as absent, whether the shape names it or not (the provider
 * reads it as absent too): the SDKs write every field of an answer they read, null where the
 * provider sent none ({@code "audio":null}), and a client echoes that answer back as its next turn.
 * A value of another JSON kind than the shape's (an object where a text is read) is refused too,
 * since a reader that took it for something else could serve what the shape does not. Immutable and
 * thread-safe.
 */
sealed interface ServedShape {

  /** A text, number or boolean. */
  ServedShape SCALAR = new Scalar();

  /**
   * Any JSON object: a JSON schema, a tool's input. Its size and depth are the request's, which the
   * body's reader bounds ({@link com.infrafabric.platform.http.StrictJson#MAX_DEPTH} levels, the
   * gateway's body limit) and the worst case counts a token a byte; nothing in it changes how the
   * provider bills the call.
   */
  ServedShape FREE_OBJECT = new FreeObject();

  /**
   * Refuses {@code value} (at {@code at}, its path, empty for the body) unless it has the shape.
   */
  default void check(Object value, String at) {
    if (!reads(value)) {
      throw RequestFields.invalid(at, at + " must be " + kind());
    }
    checkContent(value, at);
  }

  /** True if {@code value} is of the JSON kind this shape reads. */
  boolean reads(Object value);

  /** What a value of this shape is, for the sentence refusing another: "an object". */
  String kind();

  /** Refuses {@code value}, of the kind this shape reads, unless what it holds has the shape. */
  void checkContent(Object value, String at);

  /**
   * An object of {@code scalars}, each a text, number or boolean; more with {@link Fields#with}.
   */
  static Fields object(String... scalars) {
    return new Fields(Map.of()).scalars(scalars);
  }

  /**
   * An object whose {@code tag} field (a text) names which of {@code variants} it is; a tag absent
   * is {@link Tagged#UNTYPED}. The tag is a field of every variant.
   */
  static Tagged tagged(String tag, Map<String, Fields> variants) {
    return new Tagged(tag, variants);
  }

  /** An array of values each of shape {@code element}. */
  static ServedShape listOf(ServedShape element) {
    return new ListOf(element);
  }

  /** An object of any names, each value of shape {@code value} (OpenAI's {@code metadata}). */
  static ServedShape mapOf(ServedShape value) {
    return new MapOf(value);
  }

  /** A value of the first of {@code shapes} that reads its JSON kind. */
  static ServedShape either(ServedShape... shapes) {
    return new Either(List.of(shapes));
  }

  /** A text, number or boolean. */
  record Scalar() implements ServedShape {
    @Override
    public boolean reads(Object value) {
      return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    @Override
    public String kind() {
      return "a text, number or boolean";
    }

    @Override
    public void checkContent(Object value, String at) {}
  }

  /** Any JSON object ({@link #FREE_OBJECT}). */
  record FreeObject() implements ServedShape {
    @Override
    public boolean reads(Object value) {
      return value instanceof JsonObject;
    }

    @Override
    public String kind() {
      return "an object";
    }

    @Override
    public void checkContent(Object value, String at) {}
  }

  /**
   * An object of the named fields, each of its shape; a field not named is refused.
   *
   * @param fields each field's name and shape
   */
  record Fields(Map<String, ServedShape> fields) implements ServedShape {

    public Fields {
      fields = Map.copyOf(fields);
    }

    /** These fields and {@code names}, each a text, number or boolean. */
    Fields scalars(String... names) {
      Fields more = this;
      for (String name : names) {
        more = more.with(name, SCALAR);
      }
      return more;
    }

    /** These fields and {@code name}, of shape {@code shape}. */
    Fields with(String name, ServedShape shape) {
      Map<String, ServedShape> more = new HashMap<>(fields);
      if (more.put(name, shape) != null) {
        throw new IllegalArgumentException(name + " is declared twice");
      }
      return new Fields(more);
    }

    @Override
    public boolean reads(Object value) {
      return value instanceof JsonObject;
    }

    @Override
    public String kind() {
      return "an object";
    }

    @Override
    public void checkContent(Object value, String at) {
      JsonObject object = (JsonObject) value;
      for (String name : object.fieldNames()) {
        Object field = object.getValue(name);
        if (field == null) {
          continue;
        }
        String path = at.isEmpty() ? name : at + "." + name;
        ServedShape shape = fields.get(name);
        if (shape == null) {
          throw unbounded(path, "the field " + name);
        }
        shape.check(field, path);
      }
    }
  }

  /**
   * An object whose {@code tag} names its variant.
   *
   * @param tag the field naming the variant: {@code type}, or a message's {@code role}
   * @param variants each variant's fields by its tag, the tag among them
   */
  record Tagged(String tag, Map<String, Fields> variants) implements ServedShape {

    /** The tag of an object that names none, where the API allows that (Anthropic's tools). */
    static final String UNTYPED = "";

    public Tagged {
      variants =
          variants.entrySet().stream()
              .collect(
                  Collectors.toUnmodifiableMap(
                      Map.Entry::getKey, variant -> variant.getValue().scalars(tag)));
    }

    @Override
    public boolean reads(Object value) {
      return value instanceof JsonObject;
    }

    @Override
    public String kind() {
      return "an object";
    }

    @Override
    public void checkContent(Object value, String at) {
      JsonObject object = (JsonObject) value;
      Object named = object.getValue(tag);
      Fields variant = variants.get(named == null ? UNTYPED : named);
      if (variant == null) {
        String path = at.isEmpty() ? tag : at + "." + tag;
        throw unbounded(path, "the " + tag + " " + name(named));
      }
      variant.checkContent(object, at);
    }

    private static String name(Object tag) {
      return tag instanceof String text && !text.isEmpty() ? text : "none";
    }
  }

  /**
   * An array of values of one shape.
   *
   * @param element each element's shape
   */
  record ListOf(ServedShape element) implements ServedShape {
    @Override
    public boolean reads(Object value) {
      return value instanceof JsonArray;
    }

    @Override
    public String kind() {
      return "an array";
    }

    @Override
    public void checkContent(Object value, String at) {
      JsonArray array = (JsonArray) value;
      for (int i = 0; i < array.size(); i++) {
        element.check(array.getValue(i), at + "[" + i + "]");
      }
    }
  }

  /**
   * An object of any names, each value of one shape.
   *
   * @param value each value's shape
   */
  record MapOf(ServedShape value) implements ServedShape {
    @Override
    public boolean reads(Object object) {
      return object instanceof JsonObject;
    }

    @Override
    public String kind() {
      return "an object";
    }

    @Override
    public void checkContent(Object object, String at) {
      JsonObject map = (JsonObject) object;
      for (String name : map.fieldNames()) {
        value.check(map.getValue(name), at + "." + name);
      }
    }
  }

  /**
   * A value of one of several shapes, told apart by their JSON kinds (a text or an array of parts).
   *
   * @param shapes the shapes, each of a kind the others before it do not read
   */
  record Either(List<ServedShape> shapes) implements ServedShape {

    public Either {
      shapes = List.copyOf(shapes);
    }

    @Override
    public boolean reads(Object value) {
      return shapes.stream().anyMatch(shape -> shape.reads(value));
    }

    @Override
    public String kind() {
      return shapes.stream().map(ServedShape::kind).collect(Collectors.joining(" or "));
    }

    @Override
    public void checkContent(Object value, String at) {
      shapes.stream()
          .filter(shape -> shape.reads(value))
          .findFirst()
          .orElseThrow()
          .check(value, at);
    }
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
