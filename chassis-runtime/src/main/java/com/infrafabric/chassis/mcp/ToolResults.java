package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.JsonText;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.mcp.JsonRpc.Reply;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Excerpt;
import com.infrafabric.platform.http.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An invocation's result as the answer to {@code tools/call}. Success: the output's JSON as text
 * content and, when it is an object, as {@code structuredContent}. Input refused before anything
 * ran (not JSON, against the input schema) and a tool no longer registered: JSON-RPC invalid-params
 * errors, whose message names the field. Every other outcome: {@code isError: true} with text
 * {@code OUTCOME: message} (and what the tool wrote, if anything, cut to {@value
 * #FAILED_OUTPUT_MAX_BYTES} bytes as rendered: escaping makes a control byte six, so uncut a failed
 * tool's output could grow its answer sixfold), so the model sees why. {@code _meta} carries the
 * outcome, the exact tool version and the invocation id either way.
 */
final class ToolResults {

  static final String META_OUTCOME = "infrafabric/outcome";
  static final String META_INVOCATION = "infrafabric/invocationId";
  static final int MESSAGE_MAX_CHARS = 4096;

  /** The most a failed tool's output takes in its answer, rendered; longer output ends in "…". */
  static final int FAILED_OUTPUT_MAX_BYTES = 64 << 10;

  private ToolResults() {}

  static Reply reply(ToolRef ref, InvocationResult result, String invocationId) {
    JsonObject meta =
        new JsonObject()
            .put(META_OUTCOME, result.outcome().name())
            .put(ToolListing.META_REF, ref.toString())
            .put(META_INVOCATION, invocationId);
    return switch (result.outcome()) {
      case SUCCESS -> new Reply.Result(success(result.output()).put("_meta", meta));
      case INVALID_INPUT, TOOL_NOT_FOUND ->
          JsonRpc.error(JsonRpc.INVALID_PARAMS, message(result), meta);
      default -> new Reply.Result(failure(result).put("_meta", meta));
    };
  }

  private static JsonObject success(String output) {
    JsonObject answer =
        new JsonObject().put("content", new JsonArray().add(text(output))).put("isError", false);
    if (output.stripLeading().startsWith("{")) {
      structured(output).ifPresent(json -> answer.put("structuredContent", json));
    }
    return answer;
  }

  /**
   * The output as a JSON object, its numbers exact: read as doubles, {@code 1e99999} became the
   * string {@code "Infinity"} and {@code 0.1000000000000000055511151231257827} became {@code 0.1},
   * so the structured content disagreed with the text and with the output schema. Empty when the
   * output nests deeper than a request may ({@link StrictJson#MAX_DEPTH}): then the text alone
   * carries it.
   */
  private static Optional<JsonObject> structured(String output) {
    try {
      return Optional.of((JsonObject) StrictJson.parse(output.getBytes(StandardCharsets.UTF_8)));
    } catch (ApiException tooDeep) {
      return Optional.empty();
    }
  }

  private static JsonObject failure(InvocationResult result) {
    JsonArray content = new JsonArray().add(text(result.outcome().name() + ": " + message(result)));
    if (!result.output().isEmpty()) {
      String shown = JsonText.cut(result.output(), FAILED_OUTPUT_MAX_BYTES);
      content.add(text(shown.length() < result.output().length() ? shown + "\u2026" : shown));
    }
    return new JsonObject().put("content", content).put("isError", true);
  }

  private static String message(InvocationResult result) {
    return Excerpt.of(
        result.message().isEmpty() ? describe(result.outcome()) : result.message(),
        MESSAGE_MAX_CHARS);
  }

  private static String describe(Outcome outcome) {
    return outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }
}
