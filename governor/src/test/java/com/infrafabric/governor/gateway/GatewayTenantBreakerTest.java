package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: one tenant's outcomes opened a breaker every tenant shares. A provider's breaker
 * counted every call that ended in a 429 or a 5xx, whoever made it, and such a call is released,
 * free: a tenant that sent a few requests the provider rate-limited (OpenAI answers 429 to any one
 * request over the organisation's tokens per minute) opened the provider for every tenant, every
 * model of it answered 503 "its circuit breaker is open", and repeating that every {@code
 * breakerReset} kept it so. Now a tenant's failures open that tenant's breaker only; the provider's
 * own opens on failures of two tenants at least, and a 429 never counts towards it. The fake
 * provider answers requests in order, so the calls a test makes in turn are the ones it fails.
 */
@Timeout(60)
class GatewayTenantBreakerTest {

  private static final int FAILURES = 3;
  private static final Duration RESET = Duration.ofSeconds(30);

  @RegisterExtension
  static final GatewayRig RIG =
      GatewayRig.tuning(provider -> provider.withBreaker(FAILURES, RESET));

  /** A chat call saying "Hi" to {@code model} as an agent of {@code scope}. */
  private static HttpResponse<String> call(String scope, String model) {
    JsonArray hi = new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
    return RIG.post(
        GatewayRoutes.OPENAI + "/chat/completions",
        RIG.agent(scope),
        new JsonObject().put("model", model).put("max_tokens", 10).put("messages", hi),
        Map.of());
  }

  private static double gauge(String name) {
    return RIG.governor.meters.get(name).tag("provider", "primary").gauge().value();
  }

  @Test
  void oneTenantsRateLimitedCallsOpenItsOwnBreakerOnly() {
    String beta = RIG.fundedScope(1_000_000);
    String alpha = RIG.fundedScope(1_000_000);
    for (int i = 0; i < FAILURES; i++) {
      RIG.primary.then(new Behaviour.Status(429, null));
      assertThat(call(beta, "gpt-test").statusCode()).isEqualTo(503);
    }

    HttpResponse<String> served = call(alpha, "gpt-test");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(served.body()).contains("fake answer from gpt-test");
    int reached = RIG.primary.received().size();

    HttpResponse<String> refused = call(beta, "gpt-test");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body())
        .contains("primary rate-limited this tenant's latest calls of gpt-test (429)");
    assertThat(refused.headers().firstValue("retry-after")).hasValue("30");
    assertThat(RIG.primary.received()).as("refused without reaching it").hasSize(reached);
    assertThat(call(beta, "smart").body()).contains("fake answer from mini-test");
    assertThat(gauge("governor.llm.breaker.open")).isZero();
    assertThat(gauge("governor.llm.breaker.tenants.open")).isOne();
  }

  /**
   * A provider failing the calls of two tenants is failing: its breaker opens for every tenant,
   * whose calls fall back at once, until its reset has passed and a trial call succeeds.
   */
  @Test
  void failuresOfTwoTenantsOpenTheProviderForEveryTenantUntilATrialSucceeds() {
    String beta = RIG.fundedScope(1_000_000);
    String alpha = RIG.fundedScope(1_000_000);
    String gamma = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(500, null), new Behaviour.Status(502, null));
    call(beta, "gpt-test");
    call(beta, "gpt-test");
    RIG.primary.then(new Behaviour.Status(503, null));
    call(alpha, "gpt-test");
    int reached = RIG.primary.received().size();

    HttpResponse<String> refused = call(gamma, "gpt-test");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("primary is failing; its circuit breaker is open");
    assertThat(call(gamma, "smart").body()).contains("fake answer from mini-test");
    assertThat(RIG.primary.received()).hasSize(reached);
    assertThat(gauge("governor.llm.breaker.open")).isOne();

    RIG.governor.clock.advance(RESET);
    HttpResponse<String> trial = call(gamma, "gpt-test");
    assertThat(trial.statusCode()).as(trial.body()).isEqualTo(200);
    assertThat(call(alpha, "gpt-test").statusCode()).isEqualTo(200);
    assertThat(gauge("governor.llm.breaker.open")).isZero();
  }
}
