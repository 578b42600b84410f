package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.openai.models.chat.completions.ChatCompletion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: an alias never fell back on a 429 when its next model was on the same provider. The
 * README's own {@code smart=gpt-4o>gpt-4o-mini} has both on OpenAI, and providers limit rates per
 * model, but a 429's {@code Retry-After} held the tenant off the whole provider: {@code gpt-4o} was
 * tried three times, then the call was refused 503 without {@code gpt-4o-mini} ever being tried,
 * its message saying the circuit breaker was open. A 429 now holds off the tenant's calls of that
 * model only, and the refusal says it is a rate limit.
 */
@Timeout(60)
class GatewayRateLimitFallbackTest {

  /** One provider, {@code primary}, serving both models of the alias {@code smart}. */
  @RegisterExtension
  static final GatewayRig RIG =
      GatewayRig.reshaping(
          fixed -> {
            ProviderSettings primary = fixed.providers().get(0);
            ProviderSettings both =
                ProviderSettings.openAiCompatible(
                        primary.name(),
                        primary.endpoint().orElseThrow(),
                        primary.credential().orElseThrow(),
                        List.of("gpt-test", "mini-test"))
                    .withRetries(2, Duration.ofMillis(5));
            return new GatewaySettings(
                List.of(both),
                GatewaySettings.parseAliases(List.of("smart=gpt-test>mini-test")),
                fixed.masterKeys(),
                fixed.defaultMaxOutputTokens(),
                fixed.maxOutputTokens(),
                fixed.maxStreamDuration(),
                fixed.maxAnswerBytes(),
                fixed.applyDowngrades(),
                fixed.keyCacheTtl(),
                fixed.allowedAnthropicBetas(),
                fixed.answerWait());
          });

  private static HttpResponse<String> call(String token, String model) {
    JsonArray hi = new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
    return RIG.post(
        GatewayRoutes.OPENAI + "/chat/completions",
        token,
        new JsonObject().put("model", model).put("max_tokens", 10).put("messages", hi),
        Map.of());
  }

  private static List<String> modelsReceived() {
    return RIG.primary.received().stream().map(r -> r.body().getString("model")).toList();
  }

  @Test
  void anAliasFallsBackOnA429ToItsNextModelOnTheSameProvider() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    int before = RIG.primary.received().size();
    for (int attempt = 0; attempt < 3; attempt++) {
      RIG.primary.then(new Behaviour.Status(429, "1"));
    }

    ChatCompletion answer =
        RIG.openAi(token).chat().completions().create(GatewayRig.chat("smart", "Hi"));

    assertThat(answer.choices().get(0).message().content()).hasValue("fake answer from mini-test");
    assertThat(modelsReceived().subList(before, modelsReceived().size()))
        .containsExactly("gpt-test", "gpt-test", "gpt-test", "mini-test");
  }

  @Test
  void a429HoldsOffTheTenantsCallsOfThatModelOnlyAndSaysItIsARateLimit() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    for (int attempt = 0; attempt < 3; attempt++) {
      RIG.primary.then(new Behaviour.Status(429, "1"));
    }
    assertThat(call(token, "gpt-test").statusCode()).isEqualTo(503);
    int reached = RIG.primary.received().size();

    HttpResponse<String> held = call(token, "gpt-test");
    assertThat(held.statusCode()).isEqualTo(503);
    assertThat(held.body())
        .contains(
            "primary rate-limited this tenant's latest calls of gpt-test (429); its calls of"
                + " that model are held off as the provider asked (Retry-After)")
        .doesNotContain("circuit breaker is open");
    assertThat(held.headers().firstValue("retry-after")).hasValue("1");
    assertThat(RIG.primary.received()).as("held off without reaching it").hasSize(reached);
    assertThat(call(token, "mini-test").statusCode()).isEqualTo(200);
    assertThat(call(RIG.agent(RIG.fundedScope(1_000_000)), "gpt-test").statusCode())
        .as("another tenant's calls of the model")
        .isEqualTo(200);
  }
}
