package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a whole (not streamed) answer was read under one timer of the provider's {@code
 * timeout} in all, though that timeout bounds each silence of the provider. A provider that sent a
 * byte every few seconds, or a large answer the gateway read slowly under load (17 of 20 concurrent
 * 15 MiB answers), was cut as "no complete answer within 5000 ms" and charged as reserved. A whole
 * answer is now bounded by silence (restarted by every chunk) and, in all, by {@code
 * gateway.maxStreamDuration}, as a stream is.
 */
@Timeout(60)
class GatewayWholeAnswerSilenceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @RegisterExtension
  static final GatewayRig RIG = GatewayRig.tuning(provider -> provider.withTimeout(TIMEOUT));

  @Test
  void aWholeAnswerThatOutlastsTheTimeoutButIsNeverSilentThatLongIsRelayedAndChargedItsUsage() {
    String scope = RIG.fundedScope(100_000_000);
    // About 2.4 s in all, never more than 0.4 s silent: over twice the timeout, never one silence.
    RIG.primary.then(new FakeProvider.Behaviour.Trickles(Duration.ofMillis(400), 7));

    HttpResponse<String> answer = RIG.sayHi("openai", false, 50, scope);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("fake answer");
    RIG.awaitSettled(
        scope,
        RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, FakeProvider.OUTPUT_TOKENS));
  }
}
