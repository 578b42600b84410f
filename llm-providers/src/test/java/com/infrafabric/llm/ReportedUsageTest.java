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
            + "{\"ephemeral_1h_input_tokens\":100}}| 800"
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
}
