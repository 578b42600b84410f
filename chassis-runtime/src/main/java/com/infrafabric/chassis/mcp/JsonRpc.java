package com.infrafabric.chassis.mcp;

import io.vertx.core.json.JsonObject;

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

  private JsonRpc() {}

  /**
   * What a request is answered with: a result, or an error with its JSON-RPC code and the HTTP
   * status it travels with.
   */
  sealed interface Reply {
    /** The {@code result} member of a successful response. */
    record Result(JsonObject result) implements Reply {}

    /** A JSON-RPC error; {@code data} is null when there is nothing more to say. */
    record Error(int code, String message, JsonObject data, int httpStatus) implements Reply {}
  }

  static Reply.Error error(int code, String message) {
    return new Reply.Error(code, message, null, 200);
  }

  static Reply.Error error(int code, String message, JsonObject data) {
    return new Reply.Error(code, message, data, 200);
  }

  /** An error answered with an HTTP error status: the request was refused as a whole. */
  static Reply.Error refused(int httpStatus, int code, String message) {
    return new Reply.Error(code, message, null, httpStatus);
  }

  /** The response to the request {@code id} (null when it could not be read). */
  static JsonObject response(Object id, Reply reply) {
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
