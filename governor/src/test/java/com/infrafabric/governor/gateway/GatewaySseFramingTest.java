package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.gateway.ScriptedStreams.anthropicEvent;
import static com.infrafabric.governor.gateway.ScriptedStreams.anthropicEvents;
import static com.infrafabric.governor.gateway.ScriptedStreams.delta;
import static com.infrafabric.governor.gateway.ScriptedStreams.openAiEvents;
import static com.infrafabric.governor.gateway.ScriptedStreams.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression class: the gateway read each {@code data:} line of a stream as an event of its own,
 * while the SSE standard the SDKs follow joins an event's {@code data:} lines. So the ledger and
 * the client's SDK read different answers: an event the SDK could not parse was charged as a whole
 * answer ({@code ok}) and relayed with no error event, a usage split over two lines was read by the
 * SDK and charged at the bound, and the gateway's error event after {@code data: [DONE]xyz} came
 * after the SDK had stopped. The gateway now meters exactly the events the client's SDK reads; one
 * the SDK cannot read ends the stream with the dialect's error event, which the official SDKs
 * raise, and is charged as a cut stream ({@code upstream_invalid}).
 */
@Timeout(60)
class GatewaySseFramingTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void anAnthropicEventWithTwoDataLinesIsAnInvalidAnswerTheSdkRaises() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(anthropicEvents(7, 5).subList(0, 4));
    events.add(
        "event: message_delta\ndata: "
            + delta(5).put("type", "message_delta").encode()
            + "\ndata: {\"type\":\"message_stop\"}\n\n");
    RIG.primary.then(new Behaviour.Streams(events));

    assertThatThrownBy(() -> anthropicStream(scope))
        .isInstanceOf(com.anthropic.errors.SseException.class)
        .hasMessageContaining("The stream is incomplete");

    // As a cut stream: the prompt as message_start reported it, the output at its bound.
    assertChargedAsInvalid(scope, RIG.cost("claude-test", 7, 1000));
  }

  @Test
  void anOpenAiChunkSplitOverTwoDataLinesIsReadWholeAndItsUsageCharged() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(openAiEvents());
    String usageChunk =
        new JsonObject()
            .put("id", "chatcmpl-scripted")
            .put("object", "chat.completion.chunk")
            .put("created", 1_700_000_000L)
            .put("model", "gpt-test")
            .put("choices", new JsonArray())
            .put("usage", usage(30, 15))
            .encode();
    int split = usageChunk.indexOf("\"usage\"");
    events.add(
        events.size() - 1,
        "data: "
            + usageChunk.substring(0, split)
            + "\ndata: "
            + usageChunk.substring(split)
            + "\n\n");
    RIG.primary.then(new Behaviour.Streams(events));

    List<ChatCompletionChunk> chunks = openAiStream(scope, true);

    assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens())
        .isEqualTo(15);
    RIG.awaitSettled(scope, RIG.cost("gpt-test", 30, 15));
  }

  @Test
  void anEndOfStreamOtherThanDoneIsAnInvalidAnswerTheSdkRaises() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(openAiEvents(usage(30, 15)));
    events.set(events.size() - 1, "data: [DONE]xyz\n\n");
    RIG.primary.then(new Behaviour.Streams(events));

    assertThatThrownBy(() -> openAiStream(scope, false))
        .isInstanceOf(SseException.class)
        .hasMessageContaining("The stream is incomplete");

    assertChargedAsInvalid(scope, RIG.cost("gpt-test", 30, 1000));
  }

  @Test
  void anEventThatIsNotJsonIsAnInvalidAnswerTheSdkRaises() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(openAiEvents(usage(30, 15)));
    events.add(1, "data: {not json\n\n");
    RIG.primary.then(new Behaviour.Streams(events));

    assertThatThrownBy(() -> openAiStream(scope, false))
        .isInstanceOf(SseException.class)
        .hasMessageContaining("not a JSON object");

    assertThat(RIG.awaitChargedAsReserved(scope).getJsonObject("fields").getString("out"))
        .startsWith("upstream_invalid");
  }

  /**
   * Regression: a {@code message_delta} reporting cache writes without {@code input_tokens} was
   * charged the input of {@code message_start} alone (the probe: 10 tokens, where the SDK showed 90
   * cache-write tokens more).
   */
  @Test
  void promptCountsReportedOnlyInMessageDeltaAreCharged() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(anthropicEvents(10, 3));
    JsonObject delta = delta(3);
    delta.getJsonObject("usage").put("cache_creation_input_tokens", 20);
    events.set(events.size() - 2, anthropicEvent("message_delta", delta));
    RIG.primary.then(new Behaviour.Streams(events));

    anthropicStream(scope);

    // 20 tokens written to the five-minute cache cost 1.25 input tokens each: 25.
    RIG.awaitSettled(scope, RIG.cost("claude-test", 10 + 25, 3));
  }

  /**
   * The call was charged {@code spent}, settled as an invalid answer whose output is unreported.
   */
  private static void assertChargedAsInvalid(String scope, long spent) {
    RIG.awaitSettled(scope, spent);
    List<JsonObject> ledger = RIG.ledger(scope);
    assertThat(ledger.get(ledger.size() - 1).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_invalid" + Charge.UNREPORTED);
  }

  private static List<RawMessageStreamEvent> anthropicStream(String scope) {
    try (StreamResponse<RawMessageStreamEvent> stream =
        RIG.anthropic(RIG.agent(scope))
            .messages()
            .createStreaming(GatewayRig.message("claude-test"))) {
      return stream.stream().collect(Collectors.toList());
    }
  }

  private static List<ChatCompletionChunk> openAiStream(String scope, boolean askUsage) {
    ChatCompletionCreateParams params = GatewayRig.chat("gpt-test", "Hi");
    if (askUsage) {
      params =
          params.toBuilder()
              .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
              .build();
    }
    try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream =
        RIG.openAi(RIG.agent(scope)).chat().completions().createStreaming(params)) {
      return stream.stream().collect(Collectors.toList());
    }
  }
}
