package com.infrafabric.llm;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.util.Map;

/**
 * A JSON object a provider sent (an answer, a streamed event), decoded as Vert.x decodes it, with a
 * member name repeated within one of its objects told apart. Decoded, the last of the repeated
 * members wins, so an answer repeating its counts ({@code "usage":{..},"usage":{..}}, or {@code
 * "output_tokens":60,...,"output_tokens":0}) read as whatever its last copy said: a provider, or a
 * proxy in front of one, could have a call it billed charged at nothing. A caller reads the usage
 * of an object that repeats a name as unreadable, and charges its bound.
 */
public final class ProviderJson {

  /**
   * A decoded object.
   *
   * @param object the object, each repeated member as its last copy
   * @param repeatsNames true if some object in it has a member name more than once
   */
  public record Decoded(JsonObject object, boolean repeatsNames) {}

  private ProviderJson() {}

  /**
   * Decodes {@code json}, one JSON object.
   *
   * @throws DecodeException if it is not well-formed JSON
   * @throws ClassCastException if it is JSON but not an object
   */
  public static Decoded object(Buffer json) {
    JsonParser strict = JacksonCodec.createParser(json);
    strict.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    Map<String, Object> members;
    try {
      members = uncheckedCast(JacksonCodec.fromParser(strict, Map.class));
    } catch (DecodeException repeatedOrMalformed) {
      // The strict reading differs only in refusing a repeated name: if Vert.x's reads it, it is
      // well-formed and repeats one.
      return new Decoded(new JsonObject(json), true);
    }
    return new Decoded(new JsonObject(members), false);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> uncheckedCast(Map<?, ?> members) {
    return (Map<String, Object>) members; // JSON object names are strings
  }
}
