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
   * An OpenAI {@code usage} object (chat completions; embeddings report no completion tokens).
   *
   * @throws IllegalArgumentException if {@code prompt_tokens} is missing
   */
  public static TokenUsage openAi(JsonObject usage) {
    JsonObject details = usage.getJsonObject("prompt_tokens_details", new JsonObject());
    long prompt = count(usage, "prompt_tokens");
    long cached = Math.min(prompt, details.getLong("cached_tokens", 0L));
    return new TokenUsage(prompt - cached, cached, usage.getLong("completion_tokens", 0L));
  }

  /**
   * An Anthropic {@code usage} object.
   *
   * @throws IllegalArgumentException if {@code input_tokens} or {@code output_tokens} is missing
   */
  public static TokenUsage anthropic(JsonObject usage) {
    long input = Math.addExact(count(usage, "input_tokens"), anthropicCacheWrites(usage));
    return new TokenUsage(
        input, usage.getLong("cache_read_input_tokens", 0L), count(usage, "output_tokens"));
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
    long total = usage.getLong("cache_creation_input_tokens", 0L);
    JsonObject split = usage.getJsonObject("cache_creation", new JsonObject());
    long hour = split.getLong("ephemeral_1h_input_tokens", 0L);
    long fiveMinutes =
        Math.max(split.getLong("ephemeral_5m_input_tokens", 0L), Math.subtractExact(total, hour));
    return Math.addExact(
        Math.addExact(Math.multiplyExact(fiveMinutes, 5), 3) / 4, Math.multiplyExact(hour, 2));
  }

  /** A token count the format requires; its absence means the answer is not what it claims. */
  static long count(JsonObject usage, String field) {
    Long value = usage.getLong(field);
    if (value == null) {
      throw new IllegalArgumentException("usage." + field + " is missing");
    }
    return value;
  }
}
