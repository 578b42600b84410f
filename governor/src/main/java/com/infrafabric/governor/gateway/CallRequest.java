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
 * @param worstCaseInputTokens an upper bound of what the prompt is billed, in input tokens: every
 *     UTF-8 byte of the body a token (its messages, system prompt, tools, schemas, whatever the
 *     provider reads as prompt), since no tokenizer makes more tokens than bytes of text, and what
 *     the wire's provider bills besides (Anthropic's tools prompt and cache writes)
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
   * The most tokens the call can be charged, its worst-case input and output: what the reservation
   * is priced on, and what a virtual key's tokens-per-minute bucket takes at admission (a call of
   * more than the key's minute is refused {@code CALL_TOO_LARGE}), the difference to the usage the
   * call was charged given back once it settles. A guess below it (four characters a token over the
   * messages) let a call whose tools or non-Latin text make many tokens per character through, and
   * parallel ones commit many times the key's minute at once.
   */
  long worstCaseTokens() {
    return Math.addExact(worstCaseInputTokens, worstCaseOutputTokens());
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
