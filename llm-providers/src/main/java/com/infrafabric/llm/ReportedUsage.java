package com.infrafabric.llm;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

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
 * {@code prompt_tokens} 10 with {@code cached_tokens} 1000 was read as ten cached tokens. Whether a
 * report contradicts itself is decided once, by {@link #contradiction}, for a whole answer's usage
 * and for each usage a stream reports, which may carry some counts only.
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
   * An OpenAI {@code usage} of {@code output} tokens out, whose counts must not contradict each
   * other ({@link #contradiction}).
   */
  private static TokenUsage openAi(JsonObject usage, long output) {
    long prompt = count(usage, "prompt_tokens");
    requireConsistent(ProviderFormat.OPENAI_COMPATIBLE, usage);
    long cached = countOrZero(details(usage, "prompt_tokens_details"), "cached_tokens");
    return new TokenUsage(prompt - cached, cached, output);
  }

  /**
   * What {@code usage}, of {@code format}, says that contradicts itself, if anything: of OpenAI's,
   * a part of {@code prompt_tokens_details} more than {@code prompt_tokens}, a part of {@code
   * completion_tokens_details} more than {@code completion_tokens}, a {@code total_tokens} other
   * than their sum; of Anthropic's, a {@code cache_creation} split whose sum is not {@code
   * cache_creation_input_tokens} where both are given. An OpenAI total not given counts none (an
   * embedding's {@code completion_tokens}); Anthropic's split is related only to a total given with
   * it, so a stream's partial report ({@code message_delta}) is held to the same relations as a
   * whole one. A report that contradicts itself is no report at all, of any of its parts: the
   * caller charges every part at its bound, as it would a report it could not read.
   *
   * @throws IllegalArgumentException if a count it relates is present and not a count
   * @throws ClassCastException if a part it relates is not an object
   */
  public static Optional<String> contradiction(ProviderFormat format, JsonObject usage) {
    return switch (format) {
      case OPENAI_COMPATIBLE -> openAiContradiction(usage);
      case ANTHROPIC -> anthropicContradiction(usage);
      case OFFLINE -> Optional.empty();
    };
  }

  private static void requireConsistent(ProviderFormat format, JsonObject usage) {
    contradiction(format, usage)
        .ifPresent(
            contradicted -> {
              throw new IllegalArgumentException(contradicted);
            });
  }

  /** OpenAI's relations, a total not given counting none. */
  private static Optional<String> openAiContradiction(JsonObject usage) {
    long prompt = countOrZero(usage, "prompt_tokens");
    long completion = countOrZero(usage, "completion_tokens");
    Optional<String> parts =
        partOverTotal(usage, "prompt_tokens", PROMPT_PARTS, prompt)
            .or(() -> partOverTotal(usage, "completion_tokens", COMPLETION_PARTS, completion));
    if (parts.isPresent() || usage.getValue("total_tokens") == null) {
      return parts;
    }
    return count(usage, "total_tokens") == Math.addExact(prompt, completion)
        ? Optional.empty()
        : Optional.of("usage.total_tokens is not usage.prompt_tokens plus usage.completion_tokens");
  }

  private static Optional<String> anthropicContradiction(JsonObject usage) {
    if (usage.getValue("cache_creation") == null
        || usage.getValue("cache_creation_input_tokens") == null) {
      return Optional.empty();
    }
    JsonObject split = usage.getJsonObject("cache_creation");
    long parts =
        Math.addExact(
            countOrZero(split, "ephemeral_1h_input_tokens"),
            countOrZero(split, "ephemeral_5m_input_tokens"));
    return parts == count(usage, "cache_creation_input_tokens")
        ? Optional.empty()
        : Optional.of(
            "usage.cache_creation's parts do not add up to usage.cache_creation_input_tokens");
  }

  /** {@code usage}'s object {@code field}, empty when absent or null. */
  private static JsonObject details(JsonObject usage, String field) {
    return usage.getValue(field) == null ? new JsonObject() : usage.getJsonObject(field);
  }

  /** Which of {@code total}'s details' {@code parts} is more than its {@code count}, if any. */
  private static Optional<String> partOverTotal(
      JsonObject usage, String total, List<String> parts, long count) {
    JsonObject details = details(usage, total + "_details");
    return parts.stream()
        .filter(part -> countOrZero(details, part) > count)
        .findFirst()
        .map(part -> "usage." + total + "_details." + part + " is more than usage." + total);
  }

  /**
   * An Anthropic {@code usage} object.
   *
   * @throws IllegalArgumentException if {@code input_tokens} or {@code output_tokens} is missing,
   *     or the counts contradict each other ({@link #contradiction})
   */
  public static TokenUsage anthropic(JsonObject usage) {
    requireConsistent(ProviderFormat.ANTHROPIC, usage);
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
   * @throws IllegalArgumentException if the split's sum is not the total ({@link #contradiction}):
   *     a part it does not cover is a write of unknown price, a part past it one the total denies
   * @throws ArithmeticException if the weighted count overflows (no real usage comes near it)
   */
  public static long anthropicCacheWrites(JsonObject usage) {
    requireConsistent(ProviderFormat.ANTHROPIC, usage);
    if (usage.getValue("cache_creation") == null) {
      return fiveMinuteWrites(countOrZero(usage, "cache_creation_input_tokens"));
    }
    JsonObject split = usage.getJsonObject("cache_creation");
    long hour = countOrZero(split, "ephemeral_1h_input_tokens");
    long fiveMinutes = countOrZero(split, "ephemeral_5m_input_tokens");
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
