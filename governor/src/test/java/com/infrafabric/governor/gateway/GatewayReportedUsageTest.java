package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
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
}
