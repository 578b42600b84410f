package com.infrafabric.chassis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a client's JSON-RPC message is, by its shape: nothing that mixes two shapes is accepted. */
class JsonRpcMessageTest {

  @Test
  void aRequestHasAMethodAndAnId() {
    JsonRpcMessage message = read("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    assertThat(message).isEqualTo(new JsonRpcMessage.Request(1, "ping", new JsonObject(), false));
    assertThat(read("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\",\"params\":[1]}"))
        .isEqualTo(new JsonRpcMessage.Request("a", "ping", new JsonObject(), true));
  }

  @Test
  void aNotificationHasAMethodAndNoId() {
    assertThat(read("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"))
        .isEqualTo(new JsonRpcMessage.Notification("notifications/initialized", new JsonObject()));
    assertThat(
            read(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":7}}"))
        .isEqualTo(
            new JsonRpcMessage.Notification(
                "notifications/cancelled", new JsonObject().put("requestId", 7)));
  }

  @Test
  void aResponseHasAnIdAndAResultOrAnError() {
    assertThat(read("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}"))
        .isEqualTo(new JsonRpcMessage.Response(5));
    assertThat(read("{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":1,\"message\":\"m\"}}"))
        .isEqualTo(new JsonRpcMessage.Response(5));
  }

  /** Regression: a message with a method and a result was served as a request. */
  @Test
  void aMethodWithAResultOrAnErrorIsInvalid() {
    assertInvalid(
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"result\":{}}",
        5,
        "no result or error");
    assertInvalid(
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"error\":{}}", 5, "no result or error");
    assertInvalid(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\",\"result\":{}}",
        null,
        "no result or error");
  }

  @Test
  void aResponseWithBothOrWithoutAnIdIsInvalid() {
    assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{},\"error\":{}}", 5, "not both");
    assertInvalid("{\"jsonrpc\":\"2.0\",\"result\":{}}", null, "the id of the request");
  }

  @Test
  void anythingElseIsInvalidAndEchoesOnlyAnIdItCanEcho() {
    assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":4,\"params\":{}}", 4, "method must be a string");
    assertInvalid("{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"}", 9, "\"2.0\"");
    assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", null, "-2^63");
    assertInvalid(
        "{\"jsonrpc\":\"2.0\",\"id\":\"" + "i".repeat(300) + "\",\"method\":\"ping\"}",
        null,
        "at most 256");
    assertInvalid("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":1}", 3, "params");
    assertThat(JsonRpcMessage.read(new JsonArray())).isInstanceOf(JsonRpcMessage.Invalid.class);
    assertThat(JsonRpcMessage.read("text")).isInstanceOf(JsonRpcMessage.Invalid.class);
  }

  private static void assertInvalid(String text, Object id, String reason) {
    JsonRpcMessage message = read(text);
    assertThat(message).as(text).isInstanceOf(JsonRpcMessage.Invalid.class);
    assertThat(message.id()).as(text).isEqualTo(id);
    JsonRpc.Reply.Error refusal = ((JsonRpcMessage.Invalid) message).refusal();
    assertThat(refusal.code()).as(text).isEqualTo(JsonRpc.INVALID_REQUEST);
    assertThat(refusal.message()).as(text).contains(reason);
  }

  private static JsonRpcMessage read(String text) {
    return JsonRpcMessage.read(new JsonObject(text));
  }
}
