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
   * five-minute writes; then, in an Anthropic stream, a {@code message_delta} whose split did not
   * add up voided the prompt alone and its {@code output_tokens} was charged as reported. Whether a
   * usage contradicts itself is one decision for both dialects, whole or streamed, and such a usage
   * is no report of any part: a whole answer carrying it is not one (502), a stream is relayed, and
   * either is charged as reserved, every part at its bound.
   */
  @ParameterizedTest
  @CsvSource({
    "openai,false,",
    "openai,true,",
    "anthropic,false,",
    "anthropic,true,message_start",
    "anthropic,true,message_delta"
  })
  void aUsageWhoseCountsContradictEachOtherIsNoReportOfAnyPart(
      String wire, boolean stream, String event) {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(contradicting(wire, stream, event));

    HttpResponse<String> answer = RIG.sayHi(wire, stream, MAX_TOKENS, scope);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(stream ? 200 : 502);
    JsonObject settled = RIG.awaitChargedAsReserved(scope);
    assertThat(settled.getJsonObject("fields").getString("out"))
        .isEqualTo((stream ? "ok" : "upstream_invalid") + Charge.UNREPORTED);
  }

  /**
   * What a provider that contradicts its own counts sends {@code wire}'s client; an Anthropic
   * stream carries them in {@code event}, the other event's usage being honest.
   */
  private static Behaviour contradicting(String wire, boolean stream, String event) {
    JsonObject openAi =
        ScriptedStreams.usage(10, 5)
            .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 1000));
    JsonObject anthropic =
        new JsonObject()
            .put("cache_creation_input_tokens", 100)
            .put(
                "cache_creation",
                new JsonObject()
                    .put("ephemeral_5m_input_tokens", 0)
                    .put("ephemeral_1h_input_tokens", 0));
    if (stream && wire.equals("openai")) {
      return new Behaviour.Streams(ScriptedStreams.openAiEvents(openAi));
    }
    if (stream) {
      List<String> events = new ArrayList<>(ScriptedStreams.anthropicEvents(7, 5));
      if (event.equals("message_start")) {
        events.set(
            0,
            events
                .get(0)
                .replace(
                    "{\"input_tokens\":7,\"output_tokens\":1}",
                    anthropic.copy().put("input_tokens", 7).put("output_tokens", 1).encode()));
      } else {
        events.set(
            4,
            events
                .get(4)
                .replace(
                    "{\"output_tokens\":5}", anthropic.copy().put("output_tokens", 5).encode()));
      }
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
                + anthropic.copy().put("input_tokens", 7).put("output_tokens", 5).encode()
                + "}");
  }
}
