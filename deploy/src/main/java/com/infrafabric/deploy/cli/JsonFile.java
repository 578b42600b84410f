package com.infrafabric.deploy.cli;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * A JSON document the caller names as a file ({@code claims claim --grant FILE.json}), read as an
 * {@link InputCap#DOCUMENT} and parsed as strictly as the services parse a request, so a file they
 * would refuse is a usage error naming the option and the file, never a parser's internals.
 */
public final class JsonFile {

  private JsonFile() {}

  /**
   * The JSON object in {@code file}.
   *
   * @throws IllegalArgumentException naming {@code source} and {@code file} if it cannot be read,
   *     is too large, or does not hold exactly one JSON object
   */
  public static JsonObject object(String source, Path file) {
    Object value;
    try {
      value = StrictJson.parse(InputFiles.bytes(source, file, InputCap.DOCUMENT));
    } catch (ApiException e) {
      throw notAnObject(source, file, " (" + e.getMessage() + ")");
    }
    if (!(value instanceof JsonObject object)) {
      throw notAnObject(source, file, "");
    }
    return object;
  }

  private static IllegalArgumentException notAnObject(String source, Path file, String why) {
    return new IllegalArgumentException(
        source + " " + file + " does not hold one JSON object" + why);
  }
}
