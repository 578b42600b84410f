package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.testing.GovernorServiceRig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression class: what a provider's stream reports is metered without ever throwing, and a later
 * report never lowers the charge. Anthropic's stream stored a count of 10^15 as it came and threw
 * when the charge was made, so its settlement was skipped and the call went free; OpenAI's threw
 * GovernorException out of the meter to the event loop. A usage reported twice was charged its last
 * report (60/40 then 1/1 charged 1/1).
 */
class StreamMetersTest {

  /**
   * Regression: a {@code message_delta} reporting a part of the prompt without {@code input_tokens}
   * ({@code "cache_creation_input_tokens":90}) was not read, so the call was charged the input of
   * {@code message_start} alone. Each part is charged the largest any event reported.
   */
  @Test
  void eachPartOfTheAnthropicPromptIsChargedItsLargestReport() {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    meter.event(
        new JsonObject(
            "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,"
                + "\"cache_read_input_tokens\":50,\"output_tokens\":1}}}"));
    meter.event(delta("{\"output_tokens\":3,\"cache_creation_input_tokens\":90}"));
    meter.event(delta("{\"output_tokens\":3,\"cache_read_input_tokens\":20}"));

    // 90 five-minute cache writes cost 1.25 input tokens each: 113, rounded up.
    assertThat(meter.charge(BOUND, true).usage()).isEqualTo(new TokenUsage(10 + 113, 50, 3));
  }

  private static final TokenUsage BOUND = new TokenUsage(500, 0, 100);
  private static final String TOO_MANY = "1000000000000000";

  /** Usage objects no count can be read from: each is no report. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"prompt_tokens\":" + TOO_MANY + ",\"completion_tokens\":" + TOO_MANY + "}",
        "{\"prompt_tokens\":-3,\"completion_tokens\":4}",
        "{\"prompt_tokens\":3.5,\"completion_tokens\":4}",
        "{\"prompt_tokens\":\"3\",\"completion_tokens\":4}",
        "{\"prompt_tokens\":99999999999999999999999,\"completion_tokens\":4}",
        "{\"prompt_tokens\":3,\"completion_tokens\":4,\"prompt_tokens_details\":\"none\"}",
        "{\"completion_tokens\":4}",
        "{\"prompt_tokens\":10}",
        "7",
        "[1,2]"
      })
  void anOpenAiUsageThatCannotBeReadIsNoReportAndNeverThrows(String usage) {
    StreamMeter meter = openAi();

    meter.event(new JsonObject("{\"choices\":[],\"usage\":" + usage + "}"));

    Charge charge = meter.charge(BOUND, true);
    assertThat(charge.usage()).isEqualTo(BOUND);
    assertThat(charge.reported()).isFalse();
  }

  /** An unreadable report after a readable one leaves its part unknown: charged at the bound. */
  @Test
  void anOpenAiUsageThatCannotBeReadAfterOneThatCanIsChargedAtTheBound() {
    StreamMeter meter = openAi();

    meter.event(usageChunk(60, 40));
    meter.event(new JsonObject("{\"choices\":[],\"usage\":{\"prompt_tokens\":" + TOO_MANY + "}}"));

    assertThat(meter.charge(BOUND, true).usage()).isEqualTo(BOUND);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"input_tokens\":" + TOO_MANY + ",\"output_tokens\":1}",
        "{\"input_tokens\":-1}",
        "{\"input_tokens\":2.5}",
        "{\"input_tokens\":\"2\"}",
        "{\"input_tokens\":2,\"cache_creation_input_tokens\":" + Long.MAX_VALUE + "}",
        "{\"input_tokens\":2,\"cache_creation\":\"5m\"}",
        "\"a lot\""
      })
  void anAnthropicInputThatCannotBeReadIsNoReportAndNeverThrows(String usage) {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    meter.event(
        new JsonObject("{\"type\":\"message_start\",\"message\":{\"usage\":" + usage + "}}"));
    meter.event(delta("{\"output_tokens\":7}"));

    Charge charge = meter.charge(BOUND, true);
    assertThat(charge.usage()).isEqualTo(new TokenUsage(500, 0, 7));
    assertThat(charge.reported()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"output_tokens\":" + TOO_MANY + "}",
        "{\"output_tokens\":-1}",
        "{\"output_tokens\":1e3}",
        "{\"output_tokens\":null}",
        "{\"output_tokens\":{}}",
        "12"
      })
  void anAnthropicOutputThatCannotBeReadIsNoReportAndNeverThrows(String usage) {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    meter.event(
        new JsonObject(
            "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9}}}"));
    meter.event(delta("{\"output_tokens\":3}"));
    meter.event(delta(usage));

    assertThat(meter.charge(BOUND, true).usage()).isEqualTo(new TokenUsage(9, 0, 100));
  }

  /**
   * Events whose parts are of other JSON types than the format's count nothing, and never throw.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":7}",
        "{\"type\":\"message_start\",\"message\":\"hi\"}",
        "{\"type\":\"message_start\",\"message\":[1]}",
        "{\"type\":\"message_start\"}",
        "{\"type\":\"message_delta\"}",
        "{\"type\":\"message_delta\",\"usage\":null}"
      })
  void anAnthropicEventOfAnotherShapeNeverThrows(String event) {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    assertThat(meter.event(new JsonObject(event))).isTrue();

    assertThat(meter.charge(BOUND, true).usage()).isEqualTo(BOUND);
  }

  /** OpenAI: a second, smaller usage chunk never lowers the charge. */
  @Test
  void aSmallerOpenAiUsageLaterNeverLowersTheCharge() {
    StreamMeter meter = openAi();

    meter.event(usageChunk(60, 40));
    meter.event(usageChunk(1, 1));

    Charge charge = meter.charge(BOUND, true);
    assertThat(charge.usage()).isEqualTo(new TokenUsage(60, 0, 40));
    assertThat(charge.reported()).isTrue();
  }

  /**
   * Of the prompt, the largest total and, within it, the largest uncached part: at least each
   * report's cost, as a cached token costs no more than an uncached one.
   */
  @Test
  void theLargestPromptIsChargedWithItsLargestUncachedPart() {
    StreamMeter meter = openAi();

    meter.event(usageChunk(60, 40));
    meter.event(
        new JsonObject(
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":65,\"completion_tokens\":4,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":55}}}"));

    assertThat(meter.charge(BOUND, true).usage()).isEqualTo(new TokenUsage(60, 5, 40));
  }

  /** Anthropic's counts are cumulative: a second, smaller message_delta never lowers the charge. */
  @Test
  void aSmallerAnthropicOutputLaterNeverLowersTheCharge() {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    meter.event(
        new JsonObject(
            "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,"
                + "\"output_tokens\":1}}}"));
    meter.event(delta("{\"output_tokens\":5}"));
    meter.event(delta("{\"input_tokens\":2,\"output_tokens\":1}"));

    Charge charge = meter.charge(BOUND, true);
    assertThat(charge.usage()).isEqualTo(new TokenUsage(9, 0, 5));
    assertThat(charge.reported()).isTrue();
  }

  /**
   * Regression: an early usage was taken as the stream's final count. A first chunk reporting
   * {@code "completion_tokens":0} before the answer charged a stream no output, whether it then
   * completed or was cut. Output counts only from a report after the last of it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anOpenAiUsageBeforeTheAnswerIsNoCountOfItsOutput(boolean completed) {
    StreamMeter meter = openAi();

    meter.event(usageChunk(10, 0).put("choices", choices("")));
    for (int i = 0; i < 50; i++) {
      meter.event(new JsonObject().put("choices", choices("word ")));
    }

    Charge charge = meter.charge(BOUND, completed);
    assertThat(charge.usage()).isEqualTo(new TokenUsage(10, 0, 100));
    assertThat(charge.reported()).isFalse();
  }

  /**
   * Regression: a stream that did not complete was charged the output it had reported so far. Its
   * output is charged at the bound whatever it reported; a completed one is charged its final
   * count.
   */
  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic"})
  void anOutputCountIsFinalOnlyInAStreamThatCompleted(String wire) {
    StreamMeter meter = wire.equals("openai") ? openAi() : new AnthropicMessagesWire().meter(null);
    if (wire.equals("openai")) {
      meter.event(new JsonObject().put("choices", choices("Hi")));
      meter.event(usageChunk(9, 4));
    } else {
      meter.event(start(9, 1));
      meter.event(contentDelta());
      meter.event(delta("{\"output_tokens\":4}"));
    }

    Charge cut = meter.charge(BOUND, false);
    Charge completed = meter.charge(BOUND, true);

    assertThat(cut.usage()).isEqualTo(new TokenUsage(9, 0, 100));
    assertThat(cut.reported()).isFalse();
    assertThat(completed.usage()).isEqualTo(new TokenUsage(9, 0, 4));
    assertThat(completed.reported()).isTrue();
  }

  /**
   * Regression class: Anthropic's {@code message_start} counts output before the answer, and a
   * {@code message_delta} before more content is not the final count: neither stands for the output
   * of a stream with content after it, completed or not.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anAnthropicOutputCountBeforeMoreContentIsNoCount(boolean completed) {
    StreamMeter meter = new AnthropicMessagesWire().meter(null);

    meter.event(start(9, 1));
    meter.event(delta("{\"output_tokens\":0}"));
    meter.event(contentDelta());
    meter.event(new JsonObject().put("type", "message_stop"));

    assertThat(meter.charge(BOUND, completed).usage()).isEqualTo(new TokenUsage(9, 0, 100));
  }

  private static JsonObject start(long input, long output) {
    return new JsonObject()
        .put("type", "message_start")
        .put(
            "message",
            new JsonObject()
                .put(
                    "usage",
                    new JsonObject().put("input_tokens", input).put("output_tokens", output)));
  }

  private static JsonObject contentDelta() {
    return new JsonObject(
        "{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}");
  }

  private static JsonArray choices(String content) {
    return new JsonArray()
        .add(
            new JsonObject()
                .put("index", 0)
                .put("delta", new JsonObject().put("content", content))
                .putNull("finish_reason"));
  }

  private static StreamMeter openAi() {
    String text =
        "{\"model\":\"gpt-test\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    OpenAiChatWire wire = new OpenAiChatWire();
    return wire.meter(
        wire.read(
            new JsonObject(text),
            Buffer.buffer(text),
            MultiMap.caseInsensitiveMultiMap(),
            GovernorServiceRig.OFFLINE_GATEWAY));
  }

  private static JsonObject usageChunk(long prompt, long completion) {
    return new JsonObject()
        .put("choices", new JsonArray())
        .put(
            "usage",
            new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion));
  }

  private static JsonObject delta(String usage) {
    return new JsonObject("{\"type\":\"message_delta\",\"usage\":" + usage + "}");
  }
}
