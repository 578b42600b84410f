package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.credential.Redactor;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.chassis.internal.egress.OutboundRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON forms of {@code http_request}: the request a tool writes ({@code
 * {"method","url","headers","body"}}) and the response it reads ({@code
 * {"status","headers","body"}}), with the response passed through a redactor on the way out.
 */
final class HttpJson {

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private HttpJson() {}

  /**
   * Reads a request.
   *
   * @throws IllegalArgumentException if it is not a request the host accepts in shape
   */
  static OutboundRequest parse(byte[] raw, int maxBodyBytes) {
    JsonObject json;
    try {
      json = new JsonObject(new String(raw, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("request is not a JSON object");
    }
    String method = text(json, "method", "GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("method " + method + " is not allowed");
    }
    Map<String, String> headers = new HashMap<>();
    JsonObject given = json.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
    for (String name : given.fieldNames()) {
      String lower = name.toLowerCase(Locale.ROOT);
      Object value = given.getValue(name);
      if (!HeaderRules.validName(name)
          || !(value instanceof String text)
          || !HeaderRules.validValue(text)) {
        throw new IllegalArgumentException("invalid header " + name);
      }
      headers.put(lower, text);
    }
    byte[] body = text(json, "body", "").getBytes(StandardCharsets.UTF_8);
    if (body.length > maxBodyBytes) {
      throw new IllegalArgumentException("body exceeds " + maxBodyBytes + " bytes");
    }
    return new OutboundRequest(method, text(json, "url", ""), headers, body);
  }

  /** The response as the tool reads it, every header and the body redacted. */
  static byte[] encode(EgressResult.Response response, Redactor redactor) {
    JsonObject headers = new JsonObject();
    response.headers().forEach((name, value) -> headers.put(name, redactor.redact(value)));
    return new JsonObject()
        .put("status", response.status())
        .put("headers", headers)
        .put("body", redactor.redact(new String(response.body(), StandardCharsets.UTF_8)))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String text(JsonObject json, String field, String fallback) {
    Object value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return text;
  }
}
