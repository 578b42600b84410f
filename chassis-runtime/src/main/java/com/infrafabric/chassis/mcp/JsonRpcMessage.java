package com.infrafabric.chassis.mcp;

import com.infrafabric.chassis.mcp.JsonRpc.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One JSON-RPC 2.0 message from a client, classified by its shape, strictly: a {@link Request} has
 * a {@code method} and an {@code id}, a {@link Notification} a {@code method} and no {@code id};
 * neither carries a {@code result} or an {@code error}. A {@link Response} has an {@code id} and
 * exactly one of {@code result} and {@code error}, and no {@code method}. Anything else is {@link
 * Invalid}, with the -32600 error that refuses it.
 */
sealed interface JsonRpcMessage {

  /** The longest string id a message may carry; every answer to it echoes it. */
  int MAX_ID_CHARS = 256;

  /** The id an answer to this message echoes; null when it has none, or none that can be echoed. */
  Object id();

  /** What the message is called in metrics: its method, {@code response} or {@code unread}. */
  String label();

  /**
   * A request. {@code byPosition} when its params were an array, which JSON-RPC allows and no MCP
   * method takes; {@code params} is then empty.
   */
  record Request(Object id, String method, JsonObject params, boolean byPosition)
      implements JsonRpcMessage {
    @Override
    public String label() {
      return method;
    }
  }

  /** A notification: nothing answers it. {@code params} is empty when they were by position. */
  record Notification(String method, JsonObject params) implements JsonRpcMessage {
    @Override
    public Object id() {
      return null;
    }

    @Override
    public String label() {
      return method;
    }
  }

  /** A response, to a request this server never sends: nothing answers it. */
  record Response(Object id) implements JsonRpcMessage {
    @Override
    public String label() {
      return "response";
    }
  }

  /** No JSON-RPC message: {@code refusal} is its answer. */
  record Invalid(Object id, Reply.Error refusal) implements JsonRpcMessage {
    @Override
    public String label() {
      return "unread";
    }
  }

  /** Classifies one parsed JSON value (an element, when it came in a batch). */
  static JsonRpcMessage read(Object parsed) {
    if (parsed instanceof JsonArray) {
      return invalid(null, "A batch may not hold another batch.");
    }
    if (!(parsed instanceof JsonObject message)) {
      return invalid(null, "A JSON-RPC message is an object.");
    }
    Object id = echoable(message.getValue("id"));
    if (!JsonRpc.VERSION.equals(message.getValue("jsonrpc"))) {
      return invalid(id, "jsonrpc must be \"2.0\".");
    }
    String idProblem = idProblem(message);
    if (idProblem != null) {
      return invalid(id, idProblem);
    }
    if (message.containsKey("method")) {
      return requestOrNotification(message);
    }
    if (message.containsKey("result") || message.containsKey("error")) {
      return response(message);
    }
    return invalid(id, "method must be a string.");
  }

  private static JsonRpcMessage requestOrNotification(JsonObject message) {
    Object id = message.getValue("id");
    if (!(message.getValue("method") instanceof String method)) {
      return invalid(id, "method must be a string.");
    }
    if (message.containsKey("result") || message.containsKey("error")) {
      return invalid(
          id, "A message with a method is a request or a notification: it has no result or error.");
    }
    Object params = message.getValue("params", new JsonObject());
    if (!(params instanceof JsonObject || params instanceof JsonArray)) {
      return invalid(id, "params must be an object (or, in JSON-RPC, an array).");
    }
    boolean byPosition = params instanceof JsonArray;
    JsonObject named = byPosition ? new JsonObject() : (JsonObject) params;
    if (!message.containsKey("id")) {
      return new Notification(method, named);
    }
    return new Request(id, method, named, byPosition);
  }

  private static JsonRpcMessage response(JsonObject message) {
    Object id = message.getValue("id");
    if (message.containsKey("result") && message.containsKey("error")) {
      return invalid(id, "A response has a result or an error, not both.");
    }
    if (!message.containsKey("id")) {
      return invalid(null, "A response has the id of the request it answers.");
    }
    return new Response(id);
  }

  /** Why the message's id is no id, or null if it has none or a good one. */
  private static String idProblem(JsonObject message) {
    if (!message.containsKey("id")) {
      return null;
    }
    Object id = message.getValue("id");
    if (!(id instanceof String || id instanceof Integer || id instanceof Long)) {
      return "id must be a string or an integer from -2^63 to 2^63 - 1 (null and fractions are not"
          + " ids).";
    }
    // Every answer echoes the id: an unbounded one would make the answer as large as the request.
    if (id instanceof String text && text.length() > MAX_ID_CHARS) {
      return "id must be at most " + MAX_ID_CHARS + " characters.";
    }
    return null;
  }

  /** {@code id} if an answer can echo it, else null. */
  private static Object echoable(Object id) {
    if (id instanceof String text) {
      return text.length() <= MAX_ID_CHARS ? text : null;
    }
    return id instanceof Integer || id instanceof Long ? id : null;
  }

  private static Invalid invalid(Object id, String message) {
    return new Invalid(id, JsonRpc.refused(400, JsonRpc.INVALID_REQUEST, message));
  }
}
