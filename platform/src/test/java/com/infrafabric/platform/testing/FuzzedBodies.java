package com.infrafabric.platform.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Request bodies for a fuzzer, shaped by a service's OpenAPI schemas and filled with hostile values
 * from Jazzer's {@link FuzzedDataProvider}: the right fields with values at and past their limits
 * (2^31, 2^32 + 1, 2^53 ± 1, 2^62, 2^63 − 1, −2^63, 2^64, fractions, exponents, numbers as
 * strings), wrong types, missing and unknown fields, deep nesting, path-like and non-ASCII text;
 * and then, some of the time, raw mutations of the bytes (comments, trailing commas, repeated keys,
 * overlong UTF-8, truncation, random bytes). Every choice comes from the provider, so an input
 * replays exactly.
 */
public final class FuzzedBodies {

  private static final int MAX_DEPTH = 6;
  private static final List<Object> HOSTILE_NUMBERS =
      List.of(
          0,
          -1,
          1,
          Integer.MAX_VALUE,
          1L << 31,
          (1L << 32) + 1,
          (1L << 40),
          (1L << 53) - 1,
          1L << 53,
          (1L << 53) + 1,
          1L << 62,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          BigInteger.ONE.shiftLeft(64),
          BigInteger.ONE.shiftLeft(64).negate(),
          new BigDecimal("1.0"),
          new BigDecimal("0.5"),
          new BigDecimal("1e3"),
          new BigDecimal("1e309"),
          new BigDecimal("-1e-309"),
          "4294967297",
          "10");
  private static final List<String> HOSTILE_TEXT =
      List.of(
          "",
          " ",
          "..",
          ".",
          "/",
          "a/../b",
          "a//b",
          "%2F",
          "a%2F..",
          "\u0000",
          "\t",
          "h\u00e9",
          "\uD83D\uDE00",
          "\u202E",
          "x".repeat(300),
          "y".repeat(5000),
          "null",
          "true",
          "-1",
          "4294967297",
          "active",
          "succeeded",
          "lifetime",
          "day",
          "month",
          "gpt-test",
          "a:1",
          "*",
          "https://example.test",
          "http://127.0.0.1:1",
          "sk-live-1234567890");
  private static final List<String> MUTATIONS =
      List.of(
          "comment", "trailing-comma", "repeat-key", "overlong", "truncate", "nan", "deep", "raw");

  private final JsonObject document;

  public FuzzedBodies(JsonObject document) {
    this.document = document;
  }

  /**
   * The bytes of a body for {@code schema} (an OpenAPI schema object, {@code $ref}s resolved
   * against the document), hostile in the ways the class comment lists.
   */
  public byte[] body(JsonObject schema, FuzzedDataProvider data) {
    Object value = value(schema, data, 0);
    String text = encode(value);
    if (data.consumeInt(0, 3) == 0) {
      return mutate(text, data);
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Object value(JsonObject schema, FuzzedDataProvider data, int depth) {
    JsonObject resolved = resolve(schema);
    if (data.consumeInt(0, 9) == 0) {
      return anything(data, depth);
    }
    if (resolved.containsKey("enum")) {
      JsonArray choices = resolved.getJsonArray("enum");
      return data.consumeBoolean()
          ? choices.getValue(data.consumeInt(0, choices.size() - 1))
          : text(data);
    }
    for (String alternatives : List.of("oneOf", "anyOf")) {
      if (resolved.containsKey(alternatives)) {
        JsonArray options = resolved.getJsonArray(alternatives);
        return value(options.getJsonObject(data.consumeInt(0, options.size() - 1)), data, depth);
      }
    }
    return switch (type(resolved)) {
      case "object" -> object(resolved, data, depth);
      case "array" -> array(resolved, data, depth);
      case "integer", "number" -> number(resolved, data);
      case "boolean" -> data.consumeBoolean();
      case "string" -> text(data);
      default -> anything(data, depth);
    };
  }

  private JsonObject object(JsonObject schema, FuzzedDataProvider data, int depth) {
    JsonObject object = new JsonObject();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    for (String name : properties.fieldNames()) {
      int keep = required.contains(name) ? 9 : 5;
      if (data.consumeInt(0, 9) < keep) {
        object.put(name, value(properties.getJsonObject(name), data, depth + 1));
      }
    }
    if (properties.isEmpty() || data.consumeInt(0, 15) == 0) {
      object.put(data.consumeBoolean() ? "unknown_field" : text(data), anything(data, depth + 1));
    }
    return object;
  }

  private JsonArray array(JsonObject schema, FuzzedDataProvider data, int depth) {
    JsonArray array = new JsonArray();
    JsonObject items = schema.getJsonObject("items", new JsonObject());
    int size = data.consumeInt(0, 9) == 0 ? data.consumeInt(0, 200) : data.consumeInt(0, 4);
    for (int i = 0; i < size && depth < MAX_DEPTH; i++) {
      array.add(value(items, data, depth + 1));
    }
    return array;
  }

  private static Object number(JsonObject schema, FuzzedDataProvider data) {
    List<Object> around = new ArrayList<>(HOSTILE_NUMBERS);
    for (String bound : List.of("minimum", "maximum")) {
      if (schema.getValue(bound) instanceof Number limit) {
        long at = limit.longValue();
        around.addAll(
            List.of(at, at == Long.MIN_VALUE ? at : at - 1, at == Long.MAX_VALUE ? at : at + 1));
      }
    }
    return data.consumeInt(0, 4) == 0
        ? data.consumeLong()
        : around.get(data.consumeInt(0, around.size() - 1));
  }

  private static String text(FuzzedDataProvider data) {
    return data.consumeBoolean()
        ? HOSTILE_TEXT.get(data.consumeInt(0, HOSTILE_TEXT.size() - 1))
        : data.consumeString(data.consumeInt(0, 64));
  }

  /** A value of any JSON type, occasionally nested past every depth bound. */
  private Object anything(FuzzedDataProvider data, int depth) {
    return switch (data.consumeInt(0, 7)) {
      case 0 -> null;
      case 1 -> data.consumeBoolean();
      case 2, 3 -> number(new JsonObject(), data);
      case 4 -> text(data);
      case 5 -> depth < MAX_DEPTH ? new JsonObject().put(text(data), anything(data, depth + 1)) : 0;
      case 6 -> depth < MAX_DEPTH ? new JsonArray().add(anything(data, depth + 1)) : "";
      default -> nested(data.consumeInt(1, 200));
    };
  }

  /** Arrays nested {@code depth} deep: {@code [[[...]]]}. */
  public static JsonArray nested(int depth) {
    JsonArray root = new JsonArray();
    JsonArray inner = root;
    for (int i = 1; i < depth; i++) {
      JsonArray next = new JsonArray();
      inner.add(next);
      inner = next;
    }
    return root;
  }

  private static byte[] mutate(String text, FuzzedDataProvider data) {
    String kind = MUTATIONS.get(data.consumeInt(0, MUTATIONS.size() - 1));
    int at = text.isEmpty() ? 0 : data.consumeInt(0, text.length());
    String mutated =
        switch (kind) {
          case "comment" -> text.substring(0, at) + "/*c*/" + text.substring(at);
          case "trailing-comma" ->
              text.endsWith("}") ? text.substring(0, text.length() - 1) + ",}" : text + ",";
          case "repeat-key" ->
              text.startsWith("{\"") ? "{\"k\":1,\"k\":2," + text.substring(1) : text;
          case "truncate" -> text.substring(0, at);
          case "nan" -> text.substring(0, at) + "NaN" + text.substring(at);
          case "deep" -> "[".repeat(70) + text + "]".repeat(70);
          default -> null;
        };
    if (mutated != null) {
      return mutated.getBytes(StandardCharsets.UTF_8);
    }
    if (kind.equals("overlong")) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[bytes.length + 2];
      System.arraycopy(bytes, 0, out, 0, at);
      out[at] = (byte) 0xC0;
      out[at + 1] = (byte) 0xAF;
      System.arraycopy(bytes, at, out, at + 2, bytes.length - at);
      return out;
    }
    return data.consumeBytes(4096);
  }

  private JsonObject resolve(JsonObject schema) {
    JsonObject current = schema;
    for (int hops = 0; current.containsKey("$ref") && hops < 16; hops++) {
      String[] path = current.getString("$ref").substring(2).split("/");
      JsonObject target = document;
      for (String part : path) {
        target = target.getJsonObject(part);
      }
      current = target;
    }
    return current;
  }

  private static String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types && !types.isEmpty()) {
      return types.getString(0).toLowerCase(Locale.ROOT);
    }
    return type instanceof String name ? name : "";
  }

  private static String encode(Object value) {
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    if (value instanceof JsonArray array) {
      return array.encode();
    }
    return new JsonArray().add(value).encode().replaceAll("^\\[|\\]$", "");
  }
}
