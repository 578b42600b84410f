package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.json.JsonObject;

/**
 * The token counts a provider reports, read the way each format defines them. OpenAI's {@code
 * prompt_tokens} include cached tokens, so the uncached input is {@code prompt_tokens -
 * prompt_tokens_details.cached_tokens}. Anthropic's {@code input_tokens} is the uncached input;
 * tokens written to the prompt cache ({@code cache_creation_input_tokens}) count as input, those
 * read from it ({@code cache_read_input_tokens}) as cached input.
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
    long input = count(usage, "input_tokens") + usage.getLong("cache_creation_input_tokens", 0L);
    return new TokenUsage(
        input, usage.getLong("cache_read_input_tokens", 0L), count(usage, "output_tokens"));
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
