package com.infrafabric.governor.gateway;

import static com.infrafabric.governor.gateway.ScriptedStreams.anthropicEvent;
import static com.infrafabric.governor.gateway.ScriptedStreams.anthropicEvents;
import static com.infrafabric.governor.gateway.ScriptedStreams.chunk;
import static com.infrafabric.governor.gateway.ScriptedStreams.data;
import static com.infrafabric.governor.gateway.ScriptedStreams.delta;
import static com.infrafabric.governor.gateway.ScriptedStreams.openAiEvents;
import static com.infrafabric.governor.gateway.ScriptedStreams.usage;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression class: what a provider's stream reports is charged whatever it reports. Anthropic's
 * stream reporting 10^15 input and output tokens threw as its charge was made: the settlement was
 * skipped, the call was free and its hold left until expiry. OpenAI's threw out of the meter to the
 * event loop (an ERROR "Unhandled exception"). A report that cannot be read is now no report,
 * charged at the bound. And a usage reported twice was charged its last, smaller report; each count
 * is now the largest reported.
 */
@Timeout(60)
class GatewayStreamUsageReportsTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  private static final long TOO_MANY = 1_000_000_000_000_000L;

  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic"})
  void aStreamReportingCountsOutOfRangeIsChargedOnceAtItsBoundAndLogsNoError(String wire) {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(
        new Behaviour.Streams(
            wire.equals("openai")
                ? openAiEvents(usage(TOO_MANY, TOO_MANY))
                : anthropicEvents(TOO_MANY, TOO_MANY)));

    try (LogCapture logs = LogCapture.start()) {
      HttpResponse<String> answer = RIG.sayHi(wire, true, 10, scope);

      assertThat(answer.statusCode()).isEqualTo(200);
      JsonObject settled = RIG.awaitChargedAsReserved(scope);
      assertThat(settled.getString("type")).isEqualTo("commit");
      assertThat(settled.getJsonObject("fields").getString("out"))
          .isEqualTo("ok" + Charge.UNREPORTED);
      assertThat(commits(scope)).hasSize(1);
      assertThat(logs.events())
          .filteredOn(event -> event.getLevel() == Level.ERROR)
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    }
  }

  /**
   * Regression: an answer or event repeating its counts was decoded last copy wins, so {@code
   * "completion_tokens":60,...,"completion_tokens":0} was charged nothing. One that repeats a
   * member name is read as unreadable usage, charged at the bound (a whole answer so read is 502
   * upstream_invalid, as any whole answer without readable usage).
   */
  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic", "whole"})
  void anAnswerRepeatingItsCountsIsChargedAtItsBound(String wire) {
    String scope = RIG.fundedScope(1_000_000);
    if (wire.equals("whole")) {
      RIG.primary.then(
          new Behaviour.Body(
              "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,"
                  + "\"model\":\"gpt-test\",\"choices\":[{\"index\":0,\"message\":"
                  + "{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
                  + "\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":4,\"total_tokens\":10},"
                  + "\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0}}"));
    } else {
      List<String> events =
          wire.equals("openai") ? openAiEvents(usage(6, 4)) : anthropicEvents(7, 5);
      RIG.primary.then(
          new Behaviour.Streams(
              events.stream()
                  .map(
                      event ->
                          event
                              .replace(
                                  "\"completion_tokens\":4}",
                                  "\"completion_tokens\":4,\"completion_tokens\":0}")
                              .replace(
                                  "\"output_tokens\":5}",
                                  "\"output_tokens\":5,\"output_tokens\":0}"))
                  .toList()));
    }

    HttpResponse<String> answer =
        RIG.sayHi(wire.equals("whole") ? "openai" : wire, !wire.equals("whole"), 10, scope);

    assertThat(answer.statusCode()).isEqualTo(wire.equals("whole") ? 502 : 200);
    JsonObject settled = RIG.awaitChargedAsReserved(scope);
    assertThat(settled.getString("type")).isEqualTo("commit");
    assertThat(commits(scope)).hasSize(1);
  }

  @Test
  void aSmallerOpenAiUsageChunkAfterAnotherNeverLowersTheCharge() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Streams(openAiEvents(usage(6, 4), usage(1, 1))));

    assertThat(RIG.sayHi("openai", true, 10, scope).statusCode()).isEqualTo(200);

    RIG.awaitSettled(scope, RIG.cost("gpt-test", 6, 4));
    assertThat(commits(scope)).hasSize(1);
  }

  @Test
  void aSmallerAnthropicOutputCountAfterAnotherNeverLowersTheCharge() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>(anthropicEvents(7, 5));
    events.add(events.size() - 1, anthropicEvent("message_delta", delta(1)));
    RIG.primary.then(new Behaviour.Streams(events));

    assertThat(RIG.sayHi("anthropic", true, 10, scope).statusCode()).isEqualTo(200);

    RIG.awaitSettled(scope, RIG.cost("claude-test", 7, 5));
    assertThat(commits(scope)).hasSize(1);
  }

  /**
   * Regression: an early usage chunk was the stream's final count. A stream whose first chunk
   * reported {@code "completion_tokens":0}, then sent 50 chunks and was cut, was committed with no
   * output as {@code upstream_cut}. Its prompt is charged as reported, its output at the bound, and
   * its outcome says so.
   */
  @Test
  void anOpenAiStreamCutAfterAnEarlyUsageIsChargedItsOutputAtTheBound() {
    String scope = RIG.fundedScope(1_000_000);
    List<String> events = new ArrayList<>();
    events.add(
        data(
            chunk(new JsonObject().put("role", "assistant").put("content", ""), null)
                .put("usage", usage(10, 0))));
    for (int i = 0; i < 50; i++) {
      events.add(data(chunk(new JsonObject().put("content", "word "), null)));
    }
    RIG.primary.then(new Behaviour.Streams(events));

    RIG.sayHi("openai", true, 10, scope);

    RIG.awaitSettled(scope, RIG.cost("gpt-test", 10, 10));
    assertThat(commits(scope))
        .singleElement()
        .satisfies(
            commit ->
                assertThat(commit.getJsonObject("fields").getString("out"))
                    .isEqualTo("upstream_cut" + Charge.UNREPORTED));
  }

  /**
   * Regression: a chat usage without {@code completion_tokens} was read as no output, so a stream
   * whose only usage was {@code {"prompt_tokens":10}} ended {@code ok}, charged no output. It is no
   * count: the call is charged as reserved, and says so.
   */
  @Test
  void anOpenAiStreamWhoseUsageLacksItsOutputIsChargedAtItsBound() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(
        new Behaviour.Streams(openAiEvents(new JsonObject().put("prompt_tokens", 10))));

    assertThat(RIG.sayHi("openai", true, 10, scope).statusCode()).isEqualTo(200);

    JsonObject settled = RIG.awaitChargedAsReserved(scope);
    assertThat(settled.getJsonObject("fields").getString("out"))
        .isEqualTo("ok" + Charge.UNREPORTED);
  }

  /**
   * Regression class: Anthropic's {@code message_start} counts output before any is made; a stream
   * cut after it and some content is charged its input as reported and its output at the bound,
   * never {@code message_start}'s count.
   */
  @Test
  void anAnthropicStreamCutAfterItsStartIsChargedItsOutputAtTheBound() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Streams(anthropicEvents(7, 5).subList(0, 3)));

    RIG.sayHi("anthropic", true, 10, scope);

    RIG.awaitSettled(scope, RIG.cost("claude-test", 7, 10));
    assertThat(commits(scope))
        .singleElement()
        .satisfies(
            commit ->
                assertThat(commit.getJsonObject("fields").getString("out"))
                    .isEqualTo("upstream_cut" + Charge.UNREPORTED));
  }

  private static List<JsonObject> commits(String scope) {
    return RIG.ledger(scope).stream()
        .filter(entry -> entry.getString("type").equals("commit"))
        .toList();
  }
}
