package com.infrafabric.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.wire.reservation.TokenUsage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token counts as each provider reports them, priced as what they cost. */
class ReportedUsageTest {

  /**
   * A write to Anthropic's prompt cache costs 1.25 times the input price (five minutes) or twice it
   * (an hour): counted as input, it is weighted so, rounded up, never charged as a plain input
   * token; a read is cached input.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{}| 100",
        "{\"cache_creation_input_tokens\":400}| 600",
        "{\"cache_creation_input_tokens\":3}| 104",
        "{\"cache_creation_input_tokens\":1000,\"cache_creation\":"
            + "{\"ephemeral_5m_input_tokens\":600,\"ephemeral_1h_input_tokens\":400}}| 1650",
        "{\"cache_creation\":{\"ephemeral_1h_input_tokens\":50}}| 200",
        "{\"cache_creation_input_tokens\":500,\"cache_creation\":"
            + "{\"ephemeral_5m_input_tokens\":400,\"ephemeral_1h_input_tokens\":100}}| 800",
        "{\"cache_creation_input_tokens\":500,\"cache_creation\":null}| 725"
      })
  void aCacheWriteIsInputWeightedByWhatItCosts(String cacheFields, long input) {
    JsonObject usage =
        new JsonObject(cacheFields)
            .put("input_tokens", 100)
            .put("output_tokens", 7)
            .put("cache_read_input_tokens", 30);

    assertThat(ReportedUsage.anthropic(usage)).isEqualTo(new TokenUsage(input, 30, 7));
  }

  /**
   * Regression: a chat usage without {@code completion_tokens} was read as no output, so a stream
   * whose only usage was {@code {"prompt_tokens":10}} (or whose early usage chunk carried the
   * prompt alone) was charged no output. Chat output is required; embeddings have none.
   */
  @Test
  void aChatUsageWithoutItsOutputIsNoCountWhereEmbeddingsHaveNone() {
    JsonObject promptAlone = new JsonObject().put("prompt_tokens", 10);

    assertThatThrownBy(() -> ReportedUsage.openAiChat(promptAlone))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("completion_tokens");
    assertThat(ReportedUsage.openAiEmbeddings(promptAlone)).isEqualTo(new TokenUsage(10, 0, 0));
    assertThat(ReportedUsage.openAiChat(promptAlone.copy().put("completion_tokens", 4)))
        .isEqualTo(new TokenUsage(10, 0, 4));
  }

  /**
   * Regression: a report whose counts contradict each other was read in the caller's favour.
   * OpenAI's {@code prompt_tokens} 10 with {@code cached_tokens} 1000 was charged as ten cached
   * tokens (the smaller of the two), an Anthropic cache write split past its total was read part by
   * part. Such a report is no report: it is refused as a count that cannot be read is, and the
   * caller charges what it was for at its bound.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1000}}|cached_tokens",
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,"
            + "\"prompt_tokens_details\":{\"audio_tokens\":11}}|audio_tokens",
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":6}}|reasoning_tokens",
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,"
            + "\"completion_tokens_details\":{\"rejected_prediction_tokens\":9}}"
            + "|rejected_prediction_tokens",
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":14}|total_tokens",
        "chat|{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":500}|total_tokens",
        "embeddings|{\"prompt_tokens\":10,\"total_tokens\":12}|total_tokens",
        "anthropic|{\"input_tokens\":100,\"output_tokens\":7,\"cache_creation_input_tokens\":10,"
            + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":1000}}|cache_creation",
        "anthropic|{\"input_tokens\":100,\"output_tokens\":7,\"cache_creation_input_tokens\":500,"
            + "\"cache_creation\":{\"ephemeral_1h_input_tokens\":100}}|cache_creation",
        "anthropic|{\"input_tokens\":100,\"output_tokens\":7,\"cache_creation_input_tokens\":0,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1,"
            + "\"ephemeral_1h_input_tokens\":0}}|cache_creation"
      })
  void aReportWhoseCountsContradictEachOtherIsNoReport(
      String format, String usage, String contradicted) {
    JsonObject report = new JsonObject(usage);

    assertThatThrownBy(() -> read(format, report))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(contradicted);
  }

  /** Counts that agree, their details within their totals, are read as the format defines them. */
  @Test
  void aReportWhoseCountsAgreeIsRead() {
    JsonObject chat =
        new JsonObject(
            "{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":10,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":5}}");

    assertThat(ReportedUsage.openAiChat(chat)).isEqualTo(new TokenUsage(0, 10, 5));
    assertThat(ReportedUsage.openAiChat(chat.copy().putNull("prompt_tokens_details")))
        .isEqualTo(new TokenUsage(10, 0, 5));
    assertThat(
            ReportedUsage.openAiEmbeddings(
                new JsonObject("{\"prompt_tokens\":8,\"total_tokens\":8}")))
        .isEqualTo(new TokenUsage(8, 0, 0));
  }

  private static TokenUsage read(String format, JsonObject usage) {
    return switch (format) {
      case "chat" -> ReportedUsage.openAiChat(usage);
      case "embeddings" -> ReportedUsage.openAiEmbeddings(usage);
      default -> ReportedUsage.anthropic(usage);
    };
  }
}
