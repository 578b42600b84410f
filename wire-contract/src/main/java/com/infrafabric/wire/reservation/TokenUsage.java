package com.infrafabric.wire.reservation;

/**
 * The tokens one call used, as the provider reported them, split the way providers price them.
 *
 * @param inputTokens uncached prompt tokens
 * @param cachedInputTokens prompt tokens served from the provider's prompt cache
 * @param outputTokens generated tokens
 */
public record TokenUsage(long inputTokens, long cachedInputTokens, long outputTokens) {

  public TokenUsage {
    if (inputTokens < 0 || cachedInputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: "
              + inputTokens
              + ", "
              + cachedInputTokens
              + ", "
              + outputTokens);
    }
  }

  /**
   * This usage held to {@code bound}, a call's worst case, part by part: the output to the output
   * bound, the prompt (uncached and cached together, as a worst case counts every prompt token at
   * the uncached price) to the input bound. A provider that miscounts, or an endpoint posing as
   * one, must not spend past what the call could cost; the caller says when it was held back
   * ({@code !within(bound).equals(this)}).
   */
  public TokenUsage within(TokenUsage bound) {
    long input = Math.min(inputTokens, bound.inputTokens());
    long cached = Math.min(cachedInputTokens, bound.inputTokens() - input);
    return new TokenUsage(input, cached, Math.min(outputTokens, bound.outputTokens()));
  }
}
