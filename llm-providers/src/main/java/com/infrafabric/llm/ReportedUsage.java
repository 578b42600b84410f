package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.json.JsonObject;

/**
 * The token counts a provider reports, read the way each format defines them. OpenAI's {@code
 * prompt_tokens} include cached tokens, so the uncached input is {@code prompt_tokens -
 * prompt_tokens_details.cached_tokens}. Anthropic's {@code input_tokens} is the uncached input;
 * tokens written to the prompt cache count as input weighted by what writing them costs ({@link
 * #anthropicCacheWrites}), those read from it ({@code cache_read_input_tokens}) as cached input.
 */
public final class ReportedUsage {

  private ReportedUsage() {}

  /**
   * An OpenAI chat completion's {@code usage} object. Its output is {@code completion_tokens},
   * which the format requires: a usage without it is no count of the output (an early usage chunk
   * of a stream may carry the prompt alone), never a count of none.
   *
   * @throws IllegalArgumentException if {@code prompt_tokens} or {@code completion_tokens} is
   *     missing
   */
  public static TokenUsage openAiChat(JsonObject usage) {
    return openAi(usage, count(usage, "completion_tokens"));
  }

  /**
   * An OpenAI embeddings {@code usage} object: the input alone, as embeddings make no output (a
   * {@code completion_tokens} it has anyway is read, and held to the call's bound of none).
   *
   * @throws IllegalArgumentException if {@code prompt_tokens} is missing
   */
  public static TokenUsage openAiEmbeddings(JsonObject usage) {
    return openAi(usage, countOrZero(usage, "completion_tokens"));
  }

  private static TokenUsage openAi(JsonObject usage, long output) {
    JsonObject details = usage.getJsonObject("prompt_tokens_details", new JsonObject());
    long prompt = count(usage, "prompt_tokens");
    long cached = Math.min(prompt, countOrZero(details, "cached_tokens"));
    return new TokenUsage(prompt - cached, cached, output);
  }

  /**
   * An Anthropic {@code usage} object.
   *
   * @throws IllegalArgumentException if {@code input_tokens} or {@code output_tokens} is missing
   */
  public static TokenUsage anthropic(JsonObject usage) {
    long input = Math.addExact(count(usage, "input_tokens"), anthropicCacheWrites(usage));
    return new TokenUsage(
        input, countOrZero(usage, "cache_read_input_tokens"), count(usage, "output_tokens"));
  }

  /**
   * The tokens an Anthropic {@code usage} says were written to the prompt cache, as input tokens at
   * the model's input price: Anthropic charges a write to the five-minute cache 1.25 times the
   * input price and one to the hour's cache twice it. The split is {@code cache_creation}'s ({@code
   * ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}); what it does not cover of
   * {@code cache_creation_input_tokens}, or all of it without a split, is a five-minute write.
   * Rounded up to a whole token, so a write is never charged less than it costs.
   *
   * @throws ArithmeticException if the weighted count overflows (no real usage comes near it)
   */
  public static long anthropicCacheWrites(JsonObject usage) {
    long total = countOrZero(usage, "cache_creation_input_tokens");
    JsonObject split = usage.getJsonObject("cache_creation", new JsonObject());
    long hour = countOrZero(split, "ephemeral_1h_input_tokens");
    long fiveMinutes =
        Math.max(countOrZero(split, "ephemeral_5m_input_tokens"), Math.subtractExact(total, hour));
    return Math.addExact(
        Math.addExact(Math.multiplyExact(fiveMinutes, 5), 3) / 4, Math.multiplyExact(hour, 2));
  }

  /**
   * A token count the format requires; its absence means the answer is not what it claims.
   *
   * @throws IllegalArgumentException if it is missing or not a count ({@link #countOrZero})
   */
  public static long count(JsonObject usage, String field) {
    if (usage.getValue(field) == null) {
      throw new IllegalArgumentException("usage." + field + " is missing");
    }
    return countOrZero(usage, field);
  }

  /**
   * A token count the format may leave out (then 0). A count is a whole number, at least 0: a
   * fraction (5.7) is not read as the 5 a cast would make of it, since that would charge less than
   * the provider bills, nor is a text, a negative or a count too large for a long.
   *
   * @throws IllegalArgumentException if it is present and not a count
   */
  public static long countOrZero(JsonObject usage, String field) {
    Object value = usage.getValue(field);
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw new IllegalArgumentException("usage." + field + " is not a count of tokens");
    }
    return ((Number) value).longValue();
  }
}
