package com.infrafabric.chassis.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What a tool's input or output schema may be, checked when its contract is published. The chassis
 * validates every caller's input against the schema before the tool runs, so the work a schema can
 * ask for is bounded here: at most {@value #MAX_BYTES} bytes and {@value #MAX_DEPTH} levels of
 * nesting, and none of the keywords whose cost is not linear in the input and the schema ({@code
 * $ref} and its dynamic forms, which can recurse, {@code pattern}/{@code patternProperties}, whose
 * regular expressions can backtrack without bound, and {@code uniqueItems}, which compares every
 * pair of items). {@code format} is published but only an annotation ({@link #asserted}). The root
 * must be an object schema, as the Model Context Protocol requires of tool schemas.
 */
public final class SchemaBounds {

  public static final int MAX_BYTES = 16 * 1024;
  public static final int MAX_DEPTH = 16;
  private static final Set<String> REFUSED =
      Set.of("$ref", "$dynamicRef", "$recursiveRef", "pattern", "patternProperties", "uniqueItems");

  /**
   * Keywords kept as annotations and never asserted: {@code format}, which draft 2020-12 makes an
   * annotation unless a schema asks otherwise, and whose checks (regular expressions for URIs, host
   * names, JSON pointers) cost more than linear time and overflow the stack on long strings.
   */
  private static final Set<String> ANNOTATIONS = Set.of("format");

  /** Keywords whose value maps names (of properties, definitions) to schemas. */
  private static final Set<String> NAMED_SCHEMAS =
      Set.of("properties", "$defs", "definitions", "dependentSchemas");

  /** Keywords whose value is data compared with the input, never a schema. */
  private static final Set<String> DATA = Set.of("const", "enum", "default", "examples");

  private SchemaBounds() {}

  /**
   * @throws IllegalArgumentException naming the field and the first bound it breaks
   */
  static void check(String field, JsonObject schema) {
    int bytes = schema.encode().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "contract field " + field + " is " + bytes + " bytes; at most " + MAX_BYTES);
    }
    if (!"object".equals(schema.getValue("type"))) {
      throw new IllegalArgumentException(
          "contract field " + field + " must be an object schema (\"type\": \"object\")");
    }
    walk(field, schema, 1, true);
  }

  /**
   * What of {@code schema} is checked against values: a copy without the {@link #ANNOTATIONS}
   * wherever they are keywords (a property named {@code format} stays).
   */
  public static JsonObject asserted(JsonObject schema) {
    return (JsonObject) withoutAnnotations(schema, true);
  }

  private static Object withoutAnnotations(Object value, boolean keywords) {
    if (value instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      for (String key : object.fieldNames()) {
        if (keywords && ANNOTATIONS.contains(key)) {
          continue;
        }
        Object member = object.getValue(key);
        boolean data = keywords && DATA.contains(key);
        boolean named = keywords && NAMED_SCHEMAS.contains(key);
        copy.put(key, data ? member : withoutAnnotations(member, !named));
      }
      return copy;
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      for (Object item : array) {
        copy.add(withoutAnnotations(item, true));
      }
      return copy;
    }
    return value;
  }

  /**
   * @param keywords whether the keys of {@code value}, if an object, are schema keywords (rather
   *     than names of properties or definitions)
   */
  private static void walk(String path, Object value, int depth, boolean keywords) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          "contract field " + path + " nests deeper than " + MAX_DEPTH + " levels");
    }
    if (value instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        if (keywords && REFUSED.contains(key)) {
          throw new IllegalArgumentException(
              "contract field " + path + " uses " + key + ", which tool schemas may not use");
        }
        if (keywords && DATA.contains(key)) {
          continue;
        }
        boolean named = keywords && NAMED_SCHEMAS.contains(key);
        walk(path + "." + key, object.getValue(key), depth + 1, !named);
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        walk(path + "[" + i + "]", array.getValue(i), depth + 1, true);
      }
    }
  }
}
