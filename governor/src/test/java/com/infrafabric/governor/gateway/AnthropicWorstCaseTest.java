package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.ReportedUsage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: an Anthropic call's worst case counted its body's bytes only, while Anthropic bills
 * as input, besides the prompt, a system prompt of its own for tools and every cache write at up to
 * twice the input price: a small prompt with tools and a one-hour cache breakpoint could cost more
 * than was reserved, and a cap be overspent by concurrent calls. The worst case now bounds both.
 */
class AnthropicWorstCaseTest {

  private static final String PROMPT =
      "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"%s}]}]";
  private static final String TOOLS = ",\"tools\":[{\"name\":\"f\",\"input_schema\":{}}]";

  @Test
  void aPromptWithoutToolsOrCacheIsBoundedByItsBytes() {
    String body = body(PROMPT.formatted(""));
    assertThat(worstCase(body)).isEqualTo(bytes(body));
  }

  @Test
  void toolsAddTheSystemPromptAnthropicWritesForThem() {
    String body = body(PROMPT.formatted("") + TOOLS);
    assertThat(worstCase(body)).isEqualTo(bytes(body) + AnthropicMessagesWire.TOOL_PROMPT_TOKENS);
    String none = body(PROMPT.formatted("") + ",\"tools\":[]");
    assertThat(worstCase(none)).isEqualTo(bytes(none));
  }

  /** A breakpoint anywhere (a block, a tool, the system) weighs the whole prompt as its write. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "messages",
        "tools",
        "system",
      })
  void aCacheBreakpointWeighsThePromptAtItsWritesPrice(String where) {
    String fiveMinutes = withBreakpoint(where, "{\"type\":\"ephemeral\"}");
    String hour = withBreakpoint(where, "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
    long tools = where.equals("tools") ? AnthropicMessagesWire.TOOL_PROMPT_TOKENS : 0;
    assertThat(worstCase(fiveMinutes)).isEqualTo(ceilDiv((bytes(fiveMinutes) + tools) * 5, 4));
    assertThat(worstCase(hour)).isEqualTo((bytes(hour) + tools) * 2);
  }

  /**
   * Whatever the provider reports for a prompt that is all cache writes is within the worst case:
   * its reported usage, as the gateway charges it, never exceeds what was reserved.
   */
  @Test
  void theDearestReportedWriteIsWithinTheWorstCase() {
    String body = withBreakpoint("tools", "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
    long billed = bytes(body) + AnthropicMessagesWire.TOOL_PROMPT_TOKENS;
    JsonObject allWrittenToTheHour =
        new JsonObject()
            .put("input_tokens", 0)
            .put("cache_creation_input_tokens", billed)
            .put("cache_creation", new JsonObject().put("ephemeral_1h_input_tokens", billed))
            .put("output_tokens", 0);
    assertThat(ReportedUsage.anthropic(allWrittenToTheHour).inputTokens())
        .isEqualTo(worstCase(body));
  }

  private static String withBreakpoint(String where, String control) {
    String breakpoint = ",\"cache_control\":" + control;
    return switch (where) {
      case "messages" -> body(PROMPT.formatted(breakpoint));
      case "tools" ->
          body(
              PROMPT.formatted("")
                  + ",\"tools\":[{\"name\":\"f\",\"input_schema\":{}"
                  + breakpoint
                  + "}]");
      default ->
          body(
              PROMPT.formatted("")
                  + ",\"system\":[{\"type\":\"text\",\"text\":\"Be brief\""
                  + breakpoint
                  + "}]");
    };
  }

  private static String body(String fields) {
    return "{\"model\":\"claude-test\",\"max_tokens\":10," + fields + "}";
  }

  private static long bytes(String body) {
    return Buffer.buffer(body).length();
  }

  private static long ceilDiv(long dividend, long divisor) {
    return (dividend + divisor - 1) / divisor;
  }

  private static long worstCase(String body) {
    return new AnthropicMessagesWire()
        .read(
            new JsonObject(body),
            Buffer.buffer(body),
            MultiMap.caseInsensitiveMultiMap(),
            GovernorServiceRig.OFFLINE_GATEWAY)
        .worstCaseInputTokens();
  }
}
