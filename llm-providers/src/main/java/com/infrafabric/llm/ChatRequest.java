package com.infrafabric.llm;

import java.util.List;

/**
 * A chat completion a tool asked for, already checked for shape.
 *
 * @param model the model
 * @param messages the conversation, at least one message
 * @param maxTokens the most tokens the answer may have
 */
public record ChatRequest(String model, List<ChatMessage> messages, int maxTokens) {

  public ChatRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("messages must hold at least one message");
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be positive, not " + maxTokens);
    }
  }

  /**
   * The prompt's tokens as the host estimates them before the call: about four characters a token
   * plus a few tokens of framing per message, the usual rule for English text on current
   * tokenizers. The governor reserves on this; the commit uses what the provider counted.
   */
  public long estimatedInputTokens() {
    long tokens = 3;
    for (ChatMessage message : messages) {
      tokens += 4 + (message.content().length() + 3) / 4;
    }
    return tokens;
  }
}
