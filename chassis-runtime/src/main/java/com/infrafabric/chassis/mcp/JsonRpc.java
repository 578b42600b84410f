package com.infrafabric.chassis.mcp;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * JSON-RPC 2.0 as the Model Context Protocol uses it: the error codes a server answers with, and
 * the one shape of a reply. A request has a string or integer {@code id} and a {@code method}; a
 * notification has a method and no id; batches are part of MCP 2025-03-26 only.
 */
final class JsonRpc {

  static final String VERSION = "2.0";
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;
  static final int INVALID_PARAMS = -32602;
  static final int INTERNAL_ERROR = -32603;

  /** A request that was not answered in time: the code the MCP SDKs use for their own timeouts. */
  static final int REQUEST_TIMEOUT = -32001;

  private JsonRpc() {}

  /**
   * What a request is answered with: a result, or an error with its JSON-RPC code and the HTTP
   * status it travels with; or, for a request the client cancelled, nothing.
   */
  sealed interface Reply {
    /** The {@code result} member of a successful response. */
    record Result(JsonObject result) implements Reply {}

    /**
     * No response: the client cancelled the request ({@code notifications/cancelled}, or it closed
     * the connection), and MCP forbids answering a cancelled request. Its {@code POST} ends with
     * 202 and no body, as a notification's does; in a batch it has no element.
     */
    record Withheld() implements Reply {}

    /**
     * A JSON-RPC error; {@code data} is null when there is nothing more to say, and {@code
     * retryAfter} (the {@code Retry-After} header) null unless the request was refused for now
     * only. A 429 or 503 always says when to retry, as every other 429 and 503 of the service does.
     */
    record Error(int code, String message, JsonObject data, int httpStatus, Duration retryAfter)
        implements Reply {
      public Error {
        if ((httpStatus == 429 || httpStatus == 503) != (retryAfter != null)) {
          throw new IllegalArgumentException(
              "a JSON-RPC error answered " + httpStatus + " has Retry-After " + retryAfter);
        }
      }
    }
  }

  static Reply.Error error(int code, String message) {
    return new Reply.Error(code, message, null, 200, null);
  }

  static Reply.Error error(int code, String message, JsonObject data) {
    return new Reply.Error(code, message, data, 200, null);
  }

  /** An error answered with an HTTP error status: the request was refused as a whole. */
  static Reply.Error refused(int httpStatus, int code, String message) {
    return new Reply.Error(code, message, null, httpStatus, null);
  }

  /** A request refused for now only (429 or 503), to be retried after {@code retryAfter}. */
  static Reply.Error refusedFor(int httpStatus, int code, String message, Duration retryAfter) {
    return new Reply.Error(code, message, null, httpStatus, retryAfter);
  }

  /**
   * The response to the request {@code id} (null when it could not be read); a {@link
   * Reply.Withheld} has none.
   */
  static JsonObject response(Object id, Reply reply) {
    if (reply instanceof Reply.Withheld) {
      throw new IllegalArgumentException("a cancelled request has no response");
    }
    JsonObject response = new JsonObject().put("jsonrpc", VERSION).put("id", id);
    if (reply instanceof Reply.Result result) {
      return response.put("result", result.result());
    }
    Reply.Error error = (Reply.Error) reply;
    JsonObject body = new JsonObject().put("code", error.code()).put("message", error.message());
    if (error.data() != null) {
      body.put("data", error.data());
    }
    return response.put("error", body);
  }

  /** A notification from the server, e.g. {@code notifications/tools/list_changed}. */
  static JsonObject notification(String method) {
    return new JsonObject().put("jsonrpc", VERSION).put("method", method);
  }
}
