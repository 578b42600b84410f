package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression class: what a provider reports is not trusted past what the call could cost. A
 * provider (or an endpoint posing as one) that reported 10 million output tokens for a call bound
 * to 10 was committed in full, 40,000 times the cap; a fraction (5.7 tokens) was read as the 5 a
 * cast makes of it. A report above the call's reserved bound is now charged at the bound, and the
 * ledger says so; a count that is not a whole number is no report, charged at the bound too.
 */
class GatewayReportedUsageTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  private static final long MAX_TOKENS = 10;

  @ParameterizedTest
  @CsvSource({"openai,false", "openai,true", "anthropic,false", "anthropic,true"})
  void usageReportedAboveTheBoundIsChargedAtTheBound(String wire, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Reports(10_000_000));

    HttpResponse<String> answer = RIG.sayHi(wire, stream, MAX_TOKENS, scope);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    String model = GatewayRig.model(wire);
    long atBound = RIG.cost(model, FakeProvider.INPUT_TOKENS_PER_MESSAGE, MAX_TOKENS);
    RIG.awaitSettled(scope, atBound);
    List<JsonObject> ledger = RIG.ledger(scope);
    JsonObject settled = ledger.get(ledger.size() - 1);
    assertThat(settled.getLong("spent_delta_micros"))
        .isEqualTo(atBound)
        .isLessThanOrEqualTo(ledger.get(0).getLong("reserved_delta_micros"));
    assertThat(settled.getJsonObject("fields").getString("out")).endsWith(Charge.OVER_BOUND);
  }

  @ParameterizedTest
  @CsvSource({"openai,false", "openai,true", "anthropic,false", "anthropic,true"})
  void aCountThatIsNotWholeIsNoReportAndIsChargedAtTheBound(String wire, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Reports(5.7));

    RIG.sayHi(wire, stream, MAX_TOKENS, scope);

    // The output at its bound; the input as reported where it was (Anthropic's stream reports it
    // in message_start, before the output), else at its bound too.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
    List<JsonObject> ledger = RIG.ledger(scope);
    JsonObject settled = ledger.get(ledger.size() - 1);
    assertThat(settled.getLong("spent_delta_micros"))
        .isGreaterThanOrEqualTo(
            RIG.cost(GatewayRig.model(wire), FakeProvider.INPUT_TOKENS_PER_MESSAGE, MAX_TOKENS))
        .isLessThanOrEqualTo(ledger.get(0).getLong("reserved_delta_micros"));
    assertThat(settled.getJsonObject("fields").getString("out")).endsWith(Charge.UNREPORTED);
  }

  /** An honest report within the bound is charged as reported, and the ledger says nothing more. */
  @ParameterizedTest
  @CsvSource({"openai,false", "anthropic,true"})
  void anHonestReportIsChargedAsReported(String wire, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);

    RIG.sayHi(wire, stream, MAX_TOKENS, scope);

    RIG.awaitSettled(
        scope,
        RIG.cost(
            GatewayRig.model(wire),
            FakeProvider.INPUT_TOKENS_PER_MESSAGE,
            FakeProvider.OUTPUT_TOKENS));
    List<JsonObject> ledger = RIG.ledger(scope);
    assertThat(ledger.get(ledger.size() - 1).getJsonObject("fields").getString("out"))
        .isEqualTo("ok");
  }

  /**
   * Regression: a usage whose counts contradict each other was read in the caller's favour:
   * OpenAI's {@code prompt_tokens} 10 with {@code cached_tokens} 1000 was charged as ten cached
   * tokens, and an Anthropic cache write split that covers less than its total was made up as
   * five-minute writes. Such a usage is no report: a whole answer carrying it is not one (502,
   * charged as reserved), and in a stream the part it counts is charged at its bound (Anthropic's
   * output, counted apart in {@code message_delta}, as reported).
   */
  @ParameterizedTest
  @CsvSource({"openai,false", "openai,true", "anthropic,false", "anthropic,true"})
  void aUsageWhoseCountsContradictEachOtherIsNoReport(String wire, boolean stream) {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(contradicting(wire, stream));

    HttpResponse<String> answer = RIG.sayHi(wire, stream, MAX_TOKENS, scope);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(stream ? 200 : 502);
    String ended = stream ? "ok" : "upstream_invalid";
    if (wire.equals("anthropic") && stream) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
      List<JsonObject> ledger = RIG.ledger(scope);
      JsonObject settled = ledger.get(ledger.size() - 1);
      JsonObject fields = settled.getJsonObject("fields");
      assertThat(fields.getString("out")).isEqualTo(ended + Charge.UNREPORTED);
      // The input at its bound (what the reservation was priced on), the output as reported.
      long input = Long.parseLong(fields.getString("tin"));
      assertThat(ledger.get(0).getLong("reserved_delta_micros"))
          .isEqualTo(RIG.cost("claude-test", input, MAX_TOKENS));
      assertThat(settled.getLong("spent_delta_micros"))
          .isEqualTo(RIG.cost("claude-test", input, 5));
    } else {
      JsonObject settled = RIG.awaitChargedAsReserved(scope);
      assertThat(settled.getJsonObject("fields").getString("out"))
          .isEqualTo(ended + Charge.UNREPORTED);
    }
  }

  /** What a provider that contradicts its own counts sends {@code wire}'s client. */
  private static Behaviour contradicting(String wire, boolean stream) {
    JsonObject openAi =
        ScriptedStreams.usage(10, 5)
            .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 1000));
    JsonObject anthropic =
        new JsonObject()
            .put("input_tokens", 7)
            .put("output_tokens", 5)
            .put("cache_creation_input_tokens", 60)
            .put(
                "cache_creation",
                new JsonObject()
                    .put("ephemeral_5m_input_tokens", 0)
                    .put("ephemeral_1h_input_tokens", 10));
    if (stream && wire.equals("openai")) {
      return new Behaviour.Streams(ScriptedStreams.openAiEvents(openAi));
    }
    if (stream) {
      List<String> events = new ArrayList<>(ScriptedStreams.anthropicEvents(7, 5));
      events.set(
          0, events.get(0).replace("{\"input_tokens\":7,\"output_tokens\":1}", anthropic.encode()));
      return new Behaviour.Streams(events);
    }
    return new Behaviour.Body(
        wire.equals("openai")
            ? "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + openAi.encode()
                + "}"
            : "{\"id\":\"msg_x\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + "\"claude-test\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":"
                + anthropic.encode()
                + "}");
  }
}
