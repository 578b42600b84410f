package com.infrafabric.platform.http;

import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;

/**
 * Reads a request body as one JSON object, strictly: the content type must be {@code
 * application/json}, the text must parse completely, and an object must not repeat a key (two
 * parsers could otherwise disagree about which value counts).
 */
final class StrictJson {

  private StrictJson() {}

  static JsonObject object(String contentType, Buffer body) {
    requireJsonContentType(contentType);
    if (body == null || body.length() == 0) {
      throw ApiException.of(
          ErrorCode.MALFORMED_REQUEST, "The request body is empty; a JSON object is required.");
    }
    if (parse(body) instanceof JsonObject object) {
      return object;
    }
    throw ApiException.of(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object.");
  }

  private static void requireJsonContentType(String contentType) {
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip();
    if (!"application/json".equalsIgnoreCase(mediaType)) {
      throw ApiException.of(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be sent as application/json.");
    }
  }

  private static Object parse(Buffer body) {
    try {
      JsonParser parser = JacksonCodec.createParser(body);
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      // Vert.x decodes a JSON object as a JsonObject when asked for Object.
      return JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException e) {
      throw ApiException.of(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON.");
    }
  }
}
