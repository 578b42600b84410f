package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a whole (not streamed) call the provider had answered was relayed to its client only
 * once the store confirmed its charge. With Redis paused as it settled, the client heard nothing
 * until its connection's idle timeout closed it; the SDK's retry was then told "not applied" for a
 * call that was made and, once Redis resumed, charged. The client is now answered within {@code
 * gateway.answerWait} of the provider's answer, saying the charge is pending, and the charge is
 * made once in the background.
 */
@Timeout(120)
class GatewayAnswerWaitTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  /** How long the provider takes to answer: the store is stalled before it ends. */
  private static final Duration ANSWER = Duration.ofSeconds(2);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"openai", "anthropic", "embeddings"})
  void aWholeAnswerIsRelayedWithinTheAnswerWaitWhileItsChargeIsPending(String wire)
      throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    RIG.primary.then(new Behaviour.Slow(ANSWER));
    Duration wait = GatewaySettings.NONE.answerWait(); // the fixture's

    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(() -> RIG.sayHi(wire, false, 100, scope));
    await().atMost(Duration.ofSeconds(10)).until(() -> RIG.primary.received().size() > received);
    RIG.stallStore();
    try {
      // The store stays stalled: the answer comes all the same, the answer wait after the
      // provider's.
      await().atMost(ANSWER.plus(wait).plusSeconds(5)).until(answer::isDone);
    } finally {
      RIG.resumeStore();
    }

    HttpResponse<String> relayed = answer.get();
    assertThat(relayed.statusCode()).isEqualTo(200);
    assertThat(relayed.headers().firstValue(MeteredCall.CHARGE_HEADER)).hasValue("pending");
    assertThat(relayed.headers().firstValue("x-budget-charged-micros")).isEmpty();
    long reported =
        RIG.cost(
            GatewayRig.model(wire),
            FakeProvider.INPUT_TOKENS_PER_MESSAGE,
            wire.equals("embeddings") ? 0 : FakeProvider.OUTPUT_TOKENS);
    RIG.awaitSettled(scope, reported);
    List<JsonObject> commits =
        RIG.ledger(scope).stream()
            .filter(entry -> entry.getString("type").equals("commit"))
            .toList();
    assertThat(commits).hasSize(1);
    assertThat(commits.get(0).getLong("spent_delta_micros")).isEqualTo(reported);
    assertThat(commits.get(0).getJsonObject("fields").getString("out")).isEqualTo("ok");
  }

  /**
   * Regression: a provider's refusal was relayed only once the store answered the call's release;
   * with Redis paused the client heard nothing until the release was given up, minutes later. It is
   * now relayed within the answer wait (and the read of the budget state the answer carries), and
   * the hold is released once the store is back.
   */
  @Test
  void aRefusalIsRelayedWithinTheAnswerWaitWhileTheReleaseIsPending() throws Exception {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    RIG.primary.then(new Behaviour.Late(ANSWER, new Behaviour.Status(400, null)));
    Duration wait = GatewaySettings.NONE.answerWait(); // the fixture's

    CompletableFuture<HttpResponse<String>> answer =
        CompletableFuture.supplyAsync(() -> RIG.sayHi("openai", false, 100, scope));
    await().atMost(Duration.ofSeconds(10)).until(() -> RIG.primary.received().size() > received);
    RIG.stallStore();
    try {
      await()
          .atMost(ANSWER.plus(wait).plus(GovernorServiceRig.COMMAND_TIMEOUT).plusSeconds(5))
          .until(answer::isDone);
    } finally {
      RIG.resumeStore();
    }

    assertThat(answer.get().statusCode()).isEqualTo(400);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> RIG.governor.spentAndReserved(scope)[1] == 0);
    assertThat(RIG.governor.spentAndReserved(scope)[0]).isZero();
  }
}
