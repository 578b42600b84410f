package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import java.nio.charset.StandardCharsets;
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
   * The prompt's tokens as the offline provider counts them: about four characters a token plus a
   * few tokens of framing per message, the usual rule for English text on current tokenizers. Never
   * what is reserved: it under-counts other scripts up to fourfold ({@link #worstCaseInputTokens}).
   */
  public long estimatedInputTokens() {
    long tokens = 3;
    for (ChatMessage message : messages) {
      tokens += 4 + (message.content().length() + 3) / 4;
    }
    return tokens;
  }

  /**
   * The most input tokens the prompt can be billed as: every UTF-8 byte of every message's role and
   * content a token (no tokenizer makes more tokens than bytes), with twice the estimate's framing.
   * What a call reserves, and is charged when the provider's report is missing or unreadable; a
   * provider's report above it is not what it can bill ({@link TokenUsage#within}).
   */
  public long worstCaseInputTokens() {
    long tokens = 6;
    for (ChatMessage message : messages) {
      tokens +=
          8
              + message.role().getBytes(StandardCharsets.UTF_8).length
              + message.content().getBytes(StandardCharsets.UTF_8).length;
    }
    return tokens;
  }
}
