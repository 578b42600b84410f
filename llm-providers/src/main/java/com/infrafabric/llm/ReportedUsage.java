package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The token counts a provider reports, read the way each format defines them. OpenAI's {@code
 * prompt_tokens} include cached tokens, so the uncached input is {@code prompt_tokens -
 * prompt_tokens_details.cached_tokens}. Anthropic's {@code input_tokens} is the uncached input;
 * tokens written to the prompt cache count as input weighted by what writing them costs ({@link
 * #anthropicCacheWrites}), those read from it ({@code cache_read_input_tokens}) as cached input.
 *
 * <p>A report whose counts contradict each other where the format relates them (a part larger than
 * the total it is part of, a total other than the sum of its parts) is not read at all: it throws
 * as a count that cannot be read does, so the caller charges what it was for at its bound. Any
 * reading of it would pick one of its counts over another, and the one picked was the caller's:
 * {@code prompt_tokens} 10 with {@code cached_tokens} 1000 was read as ten cached tokens.
 */
public final class ReportedUsage {

  private ReportedUsage() {}

  /**
   * The parts of {@code prompt_tokens} OpenAI's {@code prompt_tokens_details} counts: each is at
   * most the whole.
   */
  private static final List<String> PROMPT_PARTS = List.of("cached_tokens", "audio_tokens");

  /**
   * The parts of {@code completion_tokens} OpenAI's {@code completion_tokens_details} counts: each
   * is at most the whole (reasoning and a prediction's tokens are billed as output).
   */
  private static final List<String> COMPLETION_PARTS =
      List.of(
          "reasoning_tokens",
          "audio_tokens",
          "accepted_prediction_tokens",
          "rejected_prediction_tokens");

  /**
   * An OpenAI chat completion's {@code usage} object. Its output is {@code completion_tokens},
   * which the format requires: a usage without it is no count of the output (an early usage chunk
   * of a stream may carry the prompt alone), never a count of none.
   *
   * @throws IllegalArgumentException if {@code prompt_tokens} or {@code completion_tokens} is
   *     missing, or the counts contradict each other ({@link #openAi})
   */
  public static TokenUsage openAiChat(JsonObject usage) {
    return openAi(usage, count(usage, "completion_tokens"));
  }

  /**
   * An OpenAI embeddings {@code usage} object: the input alone, as embeddings make no output (a
   * {@code completion_tokens} it has anyway is read, and held to the call's bound of none).
   *
   * @throws IllegalArgumentException if {@code prompt_tokens} is missing, or the counts contradict
   *     each other ({@link #openAi})
   */
  public static TokenUsage openAiEmbeddings(JsonObject usage) {
    return openAi(usage, countOrZero(usage, "completion_tokens"));
  }

  /**
   * An OpenAI {@code usage} of {@code output} tokens out. Its parts are held to their totals: each
   * of {@code prompt_tokens_details} at most {@code prompt_tokens}, each of {@code
   * completion_tokens_details} at most {@code completion_tokens}, and {@code total_tokens}, where
   * given, their sum.
   */
  private static TokenUsage openAi(JsonObject usage, long output) {
    long prompt = count(usage, "prompt_tokens");
    JsonObject promptDetails = details(usage, "prompt_tokens_details");
    requireParts(promptDetails, PROMPT_PARTS, "prompt_tokens", prompt);
    requireParts(
        details(usage, "completion_tokens_details"), COMPLETION_PARTS, "completion_tokens", output);
    if (usage.getValue("total_tokens") != null
        && count(usage, "total_tokens") != Math.addExact(prompt, output)) {
      throw new IllegalArgumentException(
          "usage.total_tokens is not usage.prompt_tokens plus usage.completion_tokens");
    }
    long cached = countOrZero(promptDetails, "cached_tokens");
    return new TokenUsage(prompt - cached, cached, output);
  }

  /** {@code usage}'s object {@code field}, empty when absent or null. */
  private static JsonObject details(JsonObject usage, String field) {
    return usage.getValue(field) == null ? new JsonObject() : usage.getJsonObject(field);
  }

  /** Refuses {@code details} if any of its {@code parts} is more than {@code total}'s count. */
  private static void requireParts(
      JsonObject details, List<String> parts, String total, long count) {
    for (String part : parts) {
      if (countOrZero(details, part) > count) {
        throw new IllegalArgumentException(
            "usage." + total + "_details." + part + " is more than usage." + total);
      }
    }
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
   * ephemeral_5m_input_tokens}, {@code ephemeral_1h_input_tokens}), whose sum is {@code
   * cache_creation_input_tokens} when both are given; without a split, all of the total is a
   * five-minute write, Anthropic's default lifetime. Rounded up to a whole token, so a write is
   * never charged less than it costs.
   *
   * @throws IllegalArgumentException if the split's sum is not the total: a part it does not cover
   *     is a write of unknown price, a part past it one the total denies
   * @throws ArithmeticException if the weighted count overflows (no real usage comes near it)
   */
  public static long anthropicCacheWrites(JsonObject usage) {
    long total = countOrZero(usage, "cache_creation_input_tokens");
    if (usage.getValue("cache_creation") == null) {
      return fiveMinuteWrites(total);
    }
    JsonObject split = usage.getJsonObject("cache_creation");
    long hour = countOrZero(split, "ephemeral_1h_input_tokens");
    long fiveMinutes = countOrZero(split, "ephemeral_5m_input_tokens");
    if (usage.getValue("cache_creation_input_tokens") != null
        && Math.addExact(hour, fiveMinutes) != total) {
      throw new IllegalArgumentException(
          "usage.cache_creation's parts do not add up to usage.cache_creation_input_tokens");
    }
    return Math.addExact(fiveMinuteWrites(fiveMinutes), Math.multiplyExact(hour, 2));
  }

  /** {@code tokens} written to the five-minute cache, at 1.25 times the input price, rounded up. */
  private static long fiveMinuteWrites(long tokens) {
    return Math.addExact(Math.multiplyExact(tokens, 5), 3) / 4;
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
