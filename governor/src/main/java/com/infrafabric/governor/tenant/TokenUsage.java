package com.infrafabric.governor.tenant;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.platform.http.Excerpt;
import java.math.BigInteger;
import java.util.Map;

/**
 * Tokens one LLM call used, split the way providers price them. Adapters normalise provider
 * reports: OpenAI's {@code prompt_tokens} include cached tokens, so the uncached part is {@code
 * prompt_tokens - cached_tokens}; Anthropic reports {@code input_tokens} and {@code
 * cache_read_input_tokens} separately already.
 *
 * @param inputTokens uncached input tokens
 * @param cachedInputTokens input tokens served from the provider's prompt cache
 * @param outputTokens output tokens
 */
public record TokenUsage(long inputTokens, long cachedInputTokens, long outputTokens) {

  /** Per field; a billion tokens in one call is far beyond any model's context. */
  public static final long MAX_TOKENS = 1_000_000_000L;

  public static final TokenUsage NONE = new TokenUsage(0, 0, 0);

  public TokenUsage {
    check("input_tokens", inputTokens);
    check("cached_input_tokens", cachedInputTokens);
    check("output_tokens", outputTokens);
  }

  /** Refuses a token count outside 0..{@link #MAX_TOKENS}, naming the request's field. */
  static long check(String field, long tokens) {
    if (tokens < 0 || tokens > MAX_TOKENS) {
      throw outside(field, Long.toString(tokens));
    }
    return tokens;
  }

  /**
   * A token count as a request sent it, of any size, if it is within 0..{@link #MAX_TOKENS}; one
   * past 64 bits is refused like any other out of range, quoted as sent.
   */
  public static long check(String field, BigInteger tokens) {
    if (tokens.bitLength() < Long.SIZE) {
      return check(field, tokens.longValue());
    }
    throw outside(field, tokens.toString());
  }

  private static GovernorException outside(String field, String tokens) {
    return new GovernorException(
        ErrorCode.INVALID_AMOUNT,
        field + " " + Excerpt.of(tokens, Excerpt.VALUE_CHARS) + " is outside 0.." + MAX_TOKENS,
        Map.of("field", field, "min", 0, "max", MAX_TOKENS));
  }
}
