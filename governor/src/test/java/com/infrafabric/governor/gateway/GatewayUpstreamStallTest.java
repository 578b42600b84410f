package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: a provider that sent a stream's head and first event, then nothing, held the call,
 * the client's connection, a provider connection and the reservation for the whole stream bound
 * (ten minutes by default). A stream that gets no byte from the provider for the provider's timeout
 * now ends as cut: the client gets its dialect's error event, and the call is charged as a cut
 * stream is.
 */
@Timeout(60)
class GatewayUpstreamStallTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @RegisterExtension
  static final GatewayRig RIG = GatewayRig.tuning(provider -> provider.withTimeout(TIMEOUT));

  @Test
  void aStreamTheProviderStallsEndsAsCutAfterTheProvidersTimeout() {
    String scope = RIG.fundedScope(100_000_000);
    RIG.primary.then(new FakeProvider.Behaviour.StallAfter(1));
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 50)
            .put("stream", true)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));

    long started = System.nanoTime();
    HttpResponse<String> stream =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", RIG.agent(scope), body, Map.of());

    // The stream bound is 30 s here: only the idle bound ends the stream this soon.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).contains("\"code\":\"upstream_invalid\"", "The stream is incomplete");
    assertThat(RIG.awaitChargedAsReserved(scope).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_cut" + Charge.UNREPORTED);
  }
}
