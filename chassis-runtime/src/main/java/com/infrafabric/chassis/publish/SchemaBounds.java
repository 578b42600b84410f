package com.infrafabric.chassis.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a tool's input or output schema may be, checked when its contract is published. The chassis
 * validates every caller's input against the schema before the tool runs, so the work a schema can
 * ask for is bounded here: at most {@value #MAX_BYTES} bytes and {@value #MAX_DEPTH} levels of
 * nesting, and none of the keywords whose cost is not linear in the input and the schema ({@code
 * $ref} and its dynamic forms, which can recurse, {@code pattern}/{@code patternProperties}, whose
 * regular expressions can backtrack without bound, and {@code uniqueItems}, which compares every
 * pair of items). {@code format} is published but only an annotation ({@link #asserted}). The root
 * must be an object schema, as the Model Context Protocol requires of tool schemas.
 *
 * <p>Size and depth do not bound the work of a check: that is the number of values checked times
 * the checks each value meets, and a small schema can ask many of one value ({@code allOf} of a
 * thousand parts under {@code items}, or an {@code enum} of thousands of entries). {@link
 * #checksPerValue} bounds the second from above, and publication refuses a schema above {@value
 * #MAX_CHECKS_PER_VALUE}; the check of each value bounds the first ({@code ToolSchemas}).
 */
public final class SchemaBounds {

  public static final int MAX_BYTES = 16 * 1024;
  public static final int MAX_DEPTH = 16;

  /** The most checks a schema may make of any one value ({@link #checksPerValue}). */
  public static final int MAX_CHECKS_PER_VALUE = 1024;

  /** Keywords whose schemas apply to the value itself: each is checked against it. */
  private static final Set<String> IN_PLACE =
      Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas");

  /** Keywords whose schemas apply to the members or items of the value, not to the value. */
  private static final Set<String> OF_MEMBERS =
      Set.of(
          "properties",
          "additionalProperties",
          "unevaluatedProperties",
          "propertyNames",
          "items",
          "prefixItems",
          "additionalItems",
          "contains",
          "unevaluatedItems");

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
    long perValue = checksPerValue(schema);
    if (perValue > MAX_CHECKS_PER_VALUE) {
      throw new IllegalArgumentException(
          "contract field "
              + field
              + " makes up to "
              + perValue
              + " checks of one value (its subschemas that apply to the value, and the entries"
              + " of their enum, const and required); at most "
              + MAX_CHECKS_PER_VALUE);
    }
  }

  /**
   * The most checks the validator makes of any one value checked against {@code schema}, from
   * above: at each place in a value, the schemas that apply there (in place, through {@code allOf},
   * {@code anyOf}, {@code oneOf}, {@code not}, {@code if}/{@code then}/{@code else} and {@code
   * dependentSchemas}; for a member or item, every schema of every applying schema that may apply
   * to it), each weighing one and one more for every value in its data ({@code enum}, {@code
   * const}, {@code required}...), which it compares with. A schema of the bounded kind ({@link
   * #check}) is walked once per place, so this is cheap.
   */
  public static long checksPerValue(JsonObject schema) {
    return checksAt(List.of(schema));
  }

  /** The checks of one value that {@code schemas} apply to, or of a member, whichever is most. */
  private static long checksAt(List<Object> schemas) {
    if (schemas.isEmpty()) {
      return 0;
    }
    List<JsonObject> here = new ArrayList<>();
    long checks = 0;
    for (Object schema : schemas) {
      checks += inPlace(schema, here);
    }
    if (checks > MAX_CHECKS_PER_VALUE) {
      return checks; // refused whatever its members ask
    }
    long most = checks;
    Set<String> names = new TreeSet<>();
    int positions = 0;
    for (JsonObject applying : here) {
      names.addAll(objectMember(applying, "properties").fieldNames());
      positions = Math.max(positions, arrayMember(applying, "prefixItems").size());
      if (applying.getValue("items") instanceof JsonArray tuple) {
        positions = Math.max(positions, tuple.size());
      }
    }
    for (String name : names) {
      most = Math.max(most, checksAt(member(here, name)));
    }
    most = Math.max(most, checksAt(member(here, null)));
    most = Math.max(most, checksAt(each(here, "propertyNames")));
    for (int position = 0; position <= positions; position++) {
      most = Math.max(most, checksAt(item(here, position)));
    }
    return most;
  }

  /**
   * Adds {@code schema} and the schemas it applies in place to {@code here}; returns their weight.
   */
  private static long inPlace(Object schema, List<JsonObject> here) {
    if (!(schema instanceof JsonObject object)) {
      return 1; // true or false
    }
    here.add(object);
    long weight = 1;
    for (String key : object.fieldNames()) {
      Object member = object.getValue(key);
      if (IN_PLACE.contains(key)) {
        for (Object sub : subschemas(key, member)) {
          weight += inPlace(sub, here);
        }
      } else if (!OF_MEMBERS.contains(key) && !NAMED_SCHEMAS.contains(key)) {
        weight += values(member) - 1;
      }
    }
    return weight;
  }

  /**
   * The schemas that may apply to the member {@code name} ({@code null}: a member no {@code
   * properties} names).
   */
  private static List<Object> member(List<JsonObject> here, String name) {
    List<Object> schemas = new ArrayList<>();
    for (JsonObject applying : here) {
      JsonObject properties = objectMember(applying, "properties");
      if (name != null && properties.containsKey(name)) {
        schemas.add(properties.getValue(name));
      } else if (applying.containsKey("additionalProperties")) {
        schemas.add(applying.getValue("additionalProperties"));
      }
      if (applying.containsKey("unevaluatedProperties")) {
        schemas.add(applying.getValue("unevaluatedProperties"));
      }
    }
    return schemas;
  }

  /** The schemas that may apply to the item at {@code position} of an array. */
  private static List<Object> item(List<JsonObject> here, int position) {
    List<Object> schemas = new ArrayList<>();
    for (JsonObject applying : here) {
      JsonArray prefix = arrayMember(applying, "prefixItems");
      Object items = applying.getValue("items");
      if (position < prefix.size()) {
        schemas.add(prefix.getValue(position));
      } else if (items instanceof JsonArray tuple) {
        schemas.add(position < tuple.size() ? tuple.getValue(position) : null);
        schemas.add(applying.getValue("additionalItems"));
      } else {
        schemas.add(items);
      }
      schemas.add(applying.getValue("contains"));
      schemas.add(applying.getValue("unevaluatedItems"));
    }
    schemas.removeIf(Objects::isNull);
    return schemas;
  }

  private static List<Object> each(List<JsonObject> here, String key) {
    List<Object> schemas = new ArrayList<>();
    for (JsonObject applying : here) {
      if (applying.containsKey(key)) {
        schemas.add(applying.getValue(key));
      }
    }
    return schemas;
  }

  /** The schemas of an in-place keyword: a map of them, an array of them, or one. */
  private static List<Object> subschemas(String key, Object member) {
    List<Object> schemas = new ArrayList<>();
    if (key.equals("dependentSchemas")) {
      JsonObject map = member instanceof JsonObject object ? object : new JsonObject();
      map.fieldNames().forEach(name -> schemas.add(map.getValue(name)));
    } else if (member instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        schemas.add(array.getValue(i));
      }
    } else {
      schemas.add(member);
    }
    return schemas;
  }

  /**
   * How many JSON values {@code value} is made of: itself, its members' names (a check compares
   * them too) and its members. A check of a value makes at most this many times {@link
   * #checksPerValue} checks.
   */
  public static long values(Object value) {
    long count = 1;
    if (value instanceof JsonObject object) {
      for (String name : object.fieldNames()) {
        count += 1 + values(object.getValue(name));
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        count += values(array.getValue(i));
      }
    }
    return count;
  }

  private static JsonObject objectMember(JsonObject schema, String key) {
    return schema.getValue(key) instanceof JsonObject object ? object : new JsonObject();
  }

  private static JsonArray arrayMember(JsonObject schema, String key) {
    return schema.getValue(key) instanceof JsonArray array ? array : new JsonArray();
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
