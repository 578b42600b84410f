package com.infrafabric.chassis;

import com.infrafabric.chassis.internal.sandbox.JsonValues;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JSON input of one invocation, as the guest receives it (UTF-8 bytes), and whether it still
 * has to be checked. Text from a caller is checked once by the chassis (one JSON value, nested at
 * most 128 levels); a value the REST layer already parsed strictly is encoded once and not parsed
 * again. Immutable.
 */
public final class ToolInput {

  private final byte[] bytes;
  private final JsonValues.Verdict verdict;

  private ToolInput(byte[] bytes, JsonValues.Verdict verdict) {
    this.bytes = bytes;
    this.verdict = verdict;
  }

  /** Input as JSON text; the chassis answers {@link Outcome#INVALID_INPUT} if it is not valid. */
  public static ToolInput text(String json) {
    return new ToolInput(json.getBytes(StandardCharsets.UTF_8), JsonValues.check(json));
  }

  /**
   * Input the caller parsed with the platform's {@code StrictJson} (a Vert.x JSON value: object,
   * array, string, number, boolean or null). Its nesting bound (64) is within the chassis's (128),
   * so the value is encoded and not checked again.
   */
  public static ToolInput parsed(Object value) {
    byte[] encoded = Json.encodeToBuffer(value).getBytes();
    return new ToolInput(encoded, JsonValues.Verdict.SINGLE_VALUE);
  }

  byte[] bytes() {
    return bytes;
  }

  /** Why the input cannot be run, if it cannot. */
  Optional<String> problem() {
    return verdict == JsonValues.Verdict.SINGLE_VALUE
        ? Optional.empty()
        : Optional.of(JsonValues.problem("the input", verdict));
  }
}
