package com.infrafabric.governor.gateway;

import io.vertx.core.json.JsonObject;

/**
 * A gateway call as the client wrote it, checked: what it asks for and the bounds it is priced at.
 *
 * @param model the model or alias the client named
 * @param stream true if the client asked for server-sent events
 * @param maxOutputTokens the output bound of one answer: the client's, or the gateway's default
 *     when it gave none (then also sent upstream, so the provider cannot exceed what was priced)
 * @param answers how many answers the call asks for (OpenAI's {@code n}); each may use the bound
 * @param worstCaseInputTokens an upper bound of the prompt's tokens: its UTF-8 bytes, since no
 *     tokenizer makes more tokens than bytes of text
 * @param estimatedInputTokens the prompt's likely tokens, about four characters a token: charged
 *     when the provider reports no usage (a stream cut short)
 * @param body the client's body, relayed with the model (and, if absent, the bound) replaced
 */
record CallRequest(
    String model,
    boolean stream,
    long maxOutputTokens,
    int answers,
    long worstCaseInputTokens,
    long estimatedInputTokens,
    JsonObject body) {

  /** The most output tokens the call can be charged: every answer its whole bound. */
  long worstCaseOutputTokens() {
    return maxOutputTokens * answers;
  }
}
