package com.infrafabric.deploy.cli;

import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.StrictJson;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Option;

/**
 * {@code --input JSON} or {@code --input-text TEXT}: the input a command sends to a tool. A tool's
 * input is one JSON value, and its contract's {@code inputSchema} may ask for an object, so {@code
 * --input} is read as JSON, with the reader the services use ({@link StrictJson}): text that is not
 * exactly one JSON value is the caller's input error, found before anything is sent, rather than a
 * string the tool did not expect. {@code --input-text} sends its text as a JSON string, unquoted on
 * the command line, for tools that take text.
 */
public final class ToolInputOption {

  @Option(
      names = "--input",
      paramLabel = "JSON",
      description = "the input, one JSON value: '{\"n\":7}', '[1,2]', '\"some text\"'")
  private String json;

  @Option(
      names = "--input-text",
      paramLabel = "TEXT",
      description = "the input as a JSON string holding TEXT (the same as --input '\"TEXT\"')")
  private String text;

  /**
   * The input as a Vert.x JSON value (object, array, string, number, boolean or null).
   *
   * @throws IllegalArgumentException if neither or both options are given, or {@code --input} is
   *     not exactly one strict JSON value; the message names the option and what is wrong
   */
  public Object value() {
    if (json != null && text != null) {
      throw new IllegalArgumentException("give --input or --input-text, not both");
    }
    if (text != null) {
      return text;
    }
    if (json == null) {
      throw new IllegalArgumentException("missing --input (or --input-text)");
    }
    try {
      return StrictJson.parse(json.getBytes(StandardCharsets.UTF_8));
    } catch (ApiException e) {
      throw new IllegalArgumentException(
          "--input is not one JSON value ("
              + e.getMessage()
              + "); a string is quoted, --input '\"some text\"', or sent with --input-text",
          e);
    }
  }
}
