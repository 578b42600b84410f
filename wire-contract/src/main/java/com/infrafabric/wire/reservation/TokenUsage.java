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
}
