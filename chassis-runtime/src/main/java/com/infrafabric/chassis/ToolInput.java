package com.infrafabric.chassis;

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
  private final Optional<String> unchecked;

  private ToolInput(byte[] bytes, Optional<String> unchecked) {
    this.bytes = bytes;
    this.unchecked = unchecked;
  }

  /** Input as JSON text; the chassis answers {@link Outcome#INVALID_INPUT} if it is not valid. */
  public static ToolInput text(String json) {
    return new ToolInput(json.getBytes(StandardCharsets.UTF_8), Optional.of(json));
  }

  /**
   * Input the caller parsed with the platform's {@code StrictJson} (a Vert.x JSON value: object,
   * array, string, number, boolean or null). Its nesting bound (64) is within the chassis's (128),
   * so the value is encoded and not checked again.
   */
  public static ToolInput parsed(Object value) {
    return new ToolInput(Json.encodeToBuffer(value).getBytes(), Optional.empty());
  }

  /** The UTF-8 bytes the guest reads. Not copied: the chassis never writes them. */
  byte[] bytes() {
    return bytes;
  }

  /** The text still to be checked, if the input came as text. */
  Optional<String> unchecked() {
    return unchecked;
  }
}
