package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression: a client's stream stayed open after its provider's last event ({@code data: [DONE]},
 * {@code message_stop}) until the provider closed its answer: a provider that kept it open for
 * seconds (sending more events, which were rightly not relayed) held the client, the call's
 * settlement and a connection of the provider's as long. The client's stream now ends, and the call
 * settles, as soon as that event is relayed; a provider that has not ended its answer shortly after
 * has its request reset.
 */
@Timeout(60)
class GatewayStreamEndsAtLastEventTest {

  /** Far longer than the client may wait for its stream's end. */
  private static final Duration LINGER = Duration.ofSeconds(10);

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic"})
  void theClientsStreamEndsAndTheCallSettlesAtTheProvidersLastEvent(String wire) {
    String scope = RIG.fundedScope(1_000_000);
    int closed = RIG.primary.connections().closed().get();
    RIG.primary.then(new Behaviour.LingersAfterLast(LINGER));
    long started = System.nanoTime();

    HttpResponse<String> streamed = RIG.sayHi(wire, true, 10, scope);

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(took).as("the stream ended at its last event").isLessThan(LINGER.dividedBy(2));
    String[] lines = streamed.body().strip().split("\n");
    assertThat(lines[lines.length - 1])
        .as("nothing after the last event")
        .contains(wire.equals("openai") ? "[DONE]" : "message_stop");
    await()
        .atMost(LINGER.dividedBy(2))
        .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
    assertThat(RIG.spentAndReserved(scope)[0]).as("charged what was reported").isPositive();
    await()
        .atMost(LINGER.dividedBy(2))
        .untilAsserted(
            () ->
                assertThat(RIG.primary.connections().closed().get())
                    .as("the provider's lingering answer was reset")
                    .isGreaterThan(closed));
  }
}
