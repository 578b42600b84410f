package com.infrafabric.chassis.internal.capability;

import com.infrafabric.chassis.internal.credential.GuestBoundary;
import com.infrafabric.chassis.internal.egress.EgressResult;
import com.infrafabric.chassis.internal.egress.HeaderRules;
import com.infrafabric.chassis.internal.egress.OutboundRequest;
import com.infrafabric.llm.vault.Redactor;
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
 * {"status","headers","body"}}), whole or, under a status-only credential, its status class alone.
 * The invocation redacts the response on its way to the tool.
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
  /** The redaction mark as lowercasing leaves it: never a header name's own (no brackets). */
  private static final String REDACTED_LOWERCASE = Redactor.MARK.toLowerCase(Locale.ROOT);

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

  /** The response member holding the body, last, so its text can be escaped as it is read. */
  static final String BODY = "body";

  /** What a request may hold beyond its body: method, URL, headers and JSON punctuation. */
  static final int REQUEST_ENVELOPE_BYTES = 64 * 1024;

  /**
   * The longest request JSON the host reads, for a body of at most {@code maxBodyBytes}: the body
   * escaped as ordinary text is (quotes and backslashes take two bytes each), plus {@value
   * #REQUEST_ENVELOPE_BYTES} bytes for the rest. A longer range is refused before it is copied.
   */
  static long maxRequestBytes(int maxBodyBytes) {
    return 2L * maxBodyBytes + REQUEST_ENVELOPE_BYTES;
  }

  /**
   * The whole response but its body: status and headers (names lowercase). Each name is lowercased
   * only after {@code boundary} redacted it: a secret an origin put in a name (a header named after
   * the token it was sent) would escape the redactor case-folded. The invocation redacts the rest
   * on its way to the tool, and adds the body ({@link #BODY}, {@link #bodyText}) last.
   */
  static JsonObject head(EgressResult.Response response, GuestBoundary boundary) {
    JsonObject headers = new JsonObject();
    response
        .headers()
        .forEach(
            (name, value) ->
                headers.put(
                    boundary
                        .redact(name)
                        .toLowerCase(Locale.ROOT)
                        .replace(REDACTED_LOWERCASE, Redactor.MARK),
                    value));
    return new JsonObject().put("status", response.status()).put("headers", headers);
  }

  /** The body as the tool reads it: UTF-8 text. */
  static String bodyText(EgressResult.Response response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /**
   * The status class alone ({@code 200}, {@code 300}, {@code 400} or {@code 500}), no headers, no
   * body: all a status-only credential's origin may tell the tool.
   */
  static JsonObject statusOnly(EgressResult.Response response) {
    int status = response.status();
    int statusClass = status < 300 ? 200 : status < 400 ? 300 : status < 500 ? 400 : 500;
    return new JsonObject()
        .put("status", statusClass)
        .put("headers", new JsonObject())
        .put(BODY, "");
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
