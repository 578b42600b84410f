package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.PermissionDeniedException;
import com.infrafabric.governor.keys.KeySpec;
import com.infrafabric.governor.tenant.IdempotencyKey;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.Await;
import com.openai.core.http.Headers;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every gateway answer to a known caller states its budget in {@code x-budget-*} headers, the
 * refusals made before any reservation too, read from the official SDKs' exceptions: the tightest
 * capped window's remaining micro-dollars, its scope and its window.
 */
@Timeout(120)
class GatewayBudgetHeadersTest {

  private static final long CAP = 1_000_000;

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aModelTheCallerMayNotUseAnUnknownModelAndABadRequestStateTheBudget() {
    String scope = RIG.fundedScope(CAP);

    OpenAIServiceException notAllowed =
        openAiRefusal(RIG.agent(scope, "mini-test"), GatewayRig.chat("gpt-test", "Hi"));
    OpenAIServiceException unknown =
        openAiRefusal(RIG.agent(scope), GatewayRig.chat("no-such", "Hi"));
    OpenAIServiceException bad =
        openAiRefusal(
            RIG.agent(scope),
            GatewayRig.chat("gpt-test", "Hi").toBuilder().maxCompletionTokens(0).build());

    assertThat(List.of(notAllowed.statusCode(), unknown.statusCode(), bad.statusCode()))
        .containsExactly(403, 404, 400);
    assertThat(bad).isInstanceOf(BadRequestException.class);
    for (OpenAIServiceException refusal : List.of(notAllowed, unknown, bad)) {
      assertBudget(refusal.headers(), scope, CAP);
    }
  }

  @Test
  void aRateLimitedKeyStatesWhatItsFirstCallLeft() {
    String scope = RIG.fundedScope(CAP);
    String secret =
        Await.result(
                RIG.governor
                    .service
                    .keys()
                    .create(
                        new KeySpec(Scope.parse(scope), Set.of("*"), 1, 1_000_000, Map.of(), null),
                        IdempotencyKey.of("key-" + UUID.randomUUID()),
                        GovernorRig.ADMIN))
            .secret()
            .orElseThrow();
    RIG.openAi(secret).chat().completions().create(GatewayRig.chat("gpt-test", "First"));

    OpenAIServiceException limited = openAiRefusal(secret, GatewayRig.chat("gpt-test", "Again"));

    assertThat(limited).isInstanceOf(RateLimitException.class);
    assertBudget(limited.headers(), scope, CAP - RIG.spentAndReserved(scope)[0]);
  }

  @Test
  void anUnavailableUpstreamStatesTheBudgetAfterTheRelease() {
    String scope = RIG.fundedScope(CAP);
    RIG.primary.then(new Behaviour.Status(500, null));

    OpenAIServiceException down =
        openAiRefusal(RIG.agent(scope), GatewayRig.chat("gpt-test", "Hi"));

    assertThat(down).isInstanceOf(InternalServerException.class);
    assertThat(down.statusCode()).isEqualTo(503);
    assertBudget(down.headers(), scope, CAP);
  }

  @Test
  void anthropicRefusalsStateTheBudgetToo() {
    String scope = RIG.fundedScope(CAP);

    AnthropicServiceException notAllowed =
        catchThrowableOfType(
            PermissionDeniedException.class,
            () ->
                RIG.anthropic(RIG.agent(scope, "gpt-test"))
                    .messages()
                    .create(GatewayRig.message("claude-test")));
    AnthropicServiceException unknown =
        catchThrowableOfType(
            NotFoundException.class,
            () -> RIG.anthropic(RIG.agent(scope)).messages().create(GatewayRig.message("no-such")));

    for (AnthropicServiceException refusal : List.of(notAllowed, unknown)) {
      assertThat(refusal.headers().values(BudgetHeaders.REMAINING))
          .containsExactly(Long.toString(CAP));
      assertThat(refusal.headers().values(BudgetHeaders.SCOPE)).containsExactly(scope);
      assertThat(refusal.headers().values(BudgetHeaders.WINDOW)).containsExactly("day");
    }
  }

  @Test
  void aScopeWithoutAnyCapGetsNoRemainingAmount() {
    String scope = GovernorRig.freshTenant("gwh") + "/agents";

    OpenAIServiceException unknown =
        openAiRefusal(RIG.agent(scope), GatewayRig.chat("no-such", "Hi"));

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().values(BudgetHeaders.REMAINING)).isEmpty();
    assertThat(unknown.headers().values(BudgetHeaders.SCOPE)).isEmpty();
  }

  private static OpenAIServiceException openAiRefusal(
      String key, ChatCompletionCreateParams params) {
    return catchThrowableOfType(
        OpenAIServiceException.class, () -> RIG.openAi(key).chat().completions().create(params));
  }

  private static void assertBudget(Headers headers, String scope, long remaining) {
    assertThat(headers.values(BudgetHeaders.REMAINING)).containsExactly(Long.toString(remaining));
    assertThat(headers.values(BudgetHeaders.SCOPE)).containsExactly(scope);
    assertThat(headers.values(BudgetHeaders.WINDOW)).containsExactly("day");
  }
}
