package com.infrafabric.governor.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway call as the client wrote it, checked: what it asks for and the bounds it is priced at.
 *
 * @param model the model or alias the client named
 * @param stream true if the client asked for server-sent events
 * @param maxOutputTokens the output bound of one answer: the client's, or the gateway's default
 *     when it gave none (then also sent upstream, so the provider cannot exceed what was priced)
 * @param answers how many answers the call asks for (OpenAI's {@code n}); each may use the bound
 * @param worstCaseInputTokens an upper bound of what the prompt is billed, in input tokens: its
 *     UTF-8 bytes, since no tokenizer makes more tokens than bytes of text, and what the wire's
 *     provider bills besides (Anthropic's tools prompt and cache writes)
 * @param estimatedInputTokens the prompt's likely tokens, about four characters a token: what a
 *     virtual key's tokens-per-minute bucket takes for the prompt up front, put right with what the
 *     call used once it settles; never charged to a budget
 * @param body the client's body, relayed with the model (and, if absent, the bound) replaced
 * @param bytes the client's body as it sent it, which {@link #body} was read from strictly (see
 *     {@link com.infrafabric.platform.http.StrictJson}): any reader of these bytes reads the same
 * @param upstreamHeaders the client's headers the provider is sent too, checked as the body is
 *     (never its credential)
 */
record CallRequest(
    String model,
    boolean stream,
    long maxOutputTokens,
    int answers,
    long worstCaseInputTokens,
    long estimatedInputTokens,
    JsonObject body,
    Buffer bytes,
    Map<String, String> upstreamHeaders) {

  CallRequest {
    upstreamHeaders = Map.copyOf(upstreamHeaders);
  }

  /** The most output tokens the call can be charged: every answer its whole bound. */
  long worstCaseOutputTokens() {
    return maxOutputTokens * answers;
  }

  /**
   * The body to send upstream: the client's, with each of {@code fields} set to its value. When the
   * client's already has those values (the model it named, the bound it gave) that is its own
   * bytes, neither copied nor encoded again; else the client's fields with {@code fields} put over
   * them, encoded. Only the top level is copied: nested values are shared and never changed.
   */
  Buffer upstream(Map<String, Object> fields) {
    if (fields.entrySet().stream().allMatch(f -> same(body.getValue(f.getKey()), f.getValue()))) {
      return bytes;
    }
    JsonObject changed = new JsonObject(new LinkedHashMap<>(body.getMap()));
    fields.forEach(changed::put);
    return changed.toBuffer();
  }

  /** Equal JSON values; whole numbers equal whatever their Java type. */
  private static boolean same(Object client, Object wanted) {
    if (client instanceof Integer || client instanceof Long) {
      return (wanted instanceof Integer || wanted instanceof Long)
          && ((Number) client).longValue() == ((Number) wanted).longValue();
    }
    return Objects.equals(client, wanted);
  }
}
