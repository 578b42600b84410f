package com.infrafabric.deploy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON-RPC id of a message the bridge cannot read whole (too long, not UTF-8), from the bytes
 * it kept of it, so its error answer reaches the request the client waits on. Found as the
 * top-level {@code "id"} member of the line's start, or as the last member of its end (JavaScript
 * clients put it there); empty when neither shows it, and the answer then carries id null.
 */
final class RequestIds {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern LAST_MEMBER_ID =
      Pattern.compile("\"id\"\\s*:\\s*(-?\\d{1,18}|\"[^\"\\\\]{0,256}\")\\s*}\\s*$");

  private RequestIds() {}

  /** The id of the message whose first bytes are {@code head} and last bytes {@code tail}. */
  static Optional<Object> of(byte[] head, byte[] tail) {
    return fromStart(head).or(() -> fromEnd(tail));
  }

  private static Optional<Object> fromStart(byte[] head) {
    try (JsonParser parser = JSON.createParser(head)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; ) {
        boolean isId = "id".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isId) {
          return scalar(parser, value);
        }
        parser.skipChildren();
        token = parser.nextToken();
      }
    } catch (IOException cutOffOrMalformed) {
      // the kept start ends (or breaks) before the id: look at the end instead
    }
    return Optional.empty();
  }

  private static Optional<Object> scalar(JsonParser parser, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_NUMBER_INT -> Optional.of(parser.getLongValue());
      case VALUE_STRING -> Optional.of(parser.getText());
      default -> Optional.empty();
    };
  }

  private static Optional<Object> fromEnd(byte[] tail) {
    Matcher id = LAST_MEMBER_ID.matcher(new String(tail, StandardCharsets.UTF_8));
    if (!id.find()) {
      return Optional.empty();
    }
    String text = id.group(1);
    return Optional.of(
        text.startsWith("\"")
            ? text.substring(1, text.length() - 1)
            : (Object) Long.parseLong(text));
  }
}
