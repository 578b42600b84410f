package com.infrafabric.chassis.internal.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Checks that bytes are exactly one JSON value, streaming, without building it. Jackson's read
 * constraints bound nesting depth and string length, so hostile input cannot exhaust the host.
 */
public final class JsonValues {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonValues() {}

  public static boolean isSingleValue(byte[] bytes) {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
