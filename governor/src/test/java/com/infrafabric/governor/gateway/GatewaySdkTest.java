package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.errors.PaymentRequiredException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with the official OpenAI and Anthropic Java SDKs as its clients, changed only in base
 * URL and key, against the real governor on a real redis-server and fake providers on loopback:
 * what the SDKs get, and what the budget was charged.
 */
@Timeout(120)
class GatewaySdkTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir static Path directory;

  private static GatewayRig rig;

  @BeforeAll
  static void start() {
    rig = new GatewayRig(REDIS.endpoint(), directory);
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aChatCompletionIsRelayedAndChargedWhatTheProviderReported() {
    String scope = rig.fundedScope(1_000_000);
    ChatCompletion completion =
        rig.openAi(rig.agent(scope))
            .chat()
            .completions()
            .create(GatewayRig.chat("gpt-test", "Hello there"));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from gpt-test");
    assertThat(completion.usage().orElseThrow().completionTokens())
        .isEqualTo(FakeProvider.OUTPUT_TOKENS);
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(rig.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void aStreamedChatCompletionArrivesInChunksAndIsChargedTheReportedUsage() {
    String scope = rig.fundedScope(1_000_000);
    String text;
    try (StreamResponse<ChatCompletionChunk> stream =
        rig.openAi(rig.agent(scope))
            .chat()
            .completions()
            .createStreaming(GatewayRig.chat("gpt-test", "Stream"))) {
      text =
          stream.stream()
              .flatMap(chunk -> chunk.choices().stream())
              .map(choice -> choice.delta().content().orElse(""))
              .collect(Collectors.joining());
    }

    assertThat(text).isEqualTo(String.join("", FakeProvider.STREAMED_WORDS));
    JsonObject sent = lastBody(rig.primary);
    assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(rig.spentAndReserved(scope))
                    .containsExactly(
                        rig.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0));
  }

  @Test
  void anAnthropicMessageAndStreamAreRelayedAndCharged() {
    String scope = rig.fundedScope(1_000_000);
    AnthropicClient client = rig.anthropic(rig.agent(scope));
    Message message = client.messages().create(GatewayRig.message("claude-test"));
    String streamed;
    try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(GatewayRig.message("claude-test"))) {
      streamed =
          stream.stream()
              .flatMap(event -> event.contentBlockDelta().stream())
              .map(delta -> delta.delta().text().map(t -> t.text()).orElse(""))
              .collect(Collectors.joining());
    }

    assertThat(message.content().get(0).text().orElseThrow().text())
        .isEqualTo("fake answer from claude-test");
    assertThat(streamed).isEqualTo(String.join("", FakeProvider.STREAMED_WORDS));
    long one = rig.cost("claude-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(rig.spentAndReserved(scope)).containsExactly(2 * one, 0));
  }

  @Test
  void embeddingsAreChargedTheirInputAndModelsListWhatTheCallerMayUse() {
    String scope = rig.fundedScope(1_000_000);
    CreateEmbeddingResponse embeddings =
        rig.openAi(rig.agent(scope))
            .embeddings()
            .create(EmbeddingCreateParams.builder().model("emb-test").input("some text").build());
    List<String> models =
        rig.openAi(rig.agent(scope, "smart", "emb-test")).models().list().data().stream()
            .map(Model::id)
            .toList();

    assertThat(embeddings.data()).hasSize(1);
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(rig.cost("emb-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 0), 0);
    assertThat(models).containsExactly("emb-test", "smart");
  }

  @Test
  void anExhaustedBudgetIsAQuotaErrorNamingTheBudgetAndChargesNothing() {
    String scope = rig.fundedScope(100);

    assertThatThrownBy(
            () ->
                rig.openAi(rig.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("Budget exceeded")
        .hasMessageContaining(scope);
    assertThatThrownBy(
            () ->
                rig.anthropic(rig.agent(scope))
                    .messages()
                    .create(GatewayRig.message("claude-test")))
        .isInstanceOf(PaymentRequiredException.class)
        .hasMessageContaining("Budget exceeded");
    assertThat(rig.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void aModelTheCallerMayNotUseOrThatDoesNotExistIsRefusedAndChargesNothing() {
    String scope = rig.fundedScope(1_000_000);

    assertThatThrownBy(
            () ->
                rig.openAi(rig.agent(scope, "mini-test"))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("gpt-test");
    assertThatThrownBy(
            () ->
                rig.openAi(rig.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("no-such", "Hi")))
        .isInstanceOf(NotFoundException.class);
    assertThat(rig.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void anUpstream500FallsBackToTheAliasesNextModelAndChargesOnlyIt() {
    String scope = rig.fundedScope(1_000_000);
    rig.primary.then(new Behaviour.Status(500, null));

    ChatCompletion completion =
        rig.openAi(rig.agent(scope)).chat().completions().create(GatewayRig.chat("smart", "Hi"));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from mini-test");
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(rig.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void aRateLimitedOrSilentProviderFallsBackToTheAliasesNextModel() {
    String scope = rig.fundedScope(1_000_000);
    rig.primary.then(new Behaviour.Status(429, "1"), new Behaviour.Hang());

    ChatCompletion afterRateLimit =
        rig.openAi(rig.agent(scope)).chat().completions().create(GatewayRig.chat("smart", "Hi"));
    ChatCompletion afterTimeout =
        rig.openAi(rig.agent(scope)).chat().completions().create(GatewayRig.chat("smart", "Hi"));

    assertThat(afterRateLimit.model()).isEqualTo("mini-test");
    assertThat(afterTimeout.model()).isEqualTo("mini-test");
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(2 * rig.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void theTenantPolicysDowngradeAdviceIsFollowedAndSaidInAHeader() {
    String scope = rig.fundedScope(50_000);
    String tenant = scope.split("/", 2)[0];
    JsonObject downgrade =
        new JsonObject()
            .put("from_model", "gpt-test")
            .put("to_model", "mini-test")
            .put("below_remaining_pct", 99);
    HttpResponse<String> policy =
        rig.governor.call(
            "PUT",
            "/v1/tenants/" + tenant + "/policy",
            rig.governor.admin(tenant),
            new JsonObject().put("downgrades", new io.vertx.core.json.JsonArray().add(downgrade)));
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

    var response =
        rig.openAi(rig.agent(scope))
            .chat()
            .completions()
            .withRawResponse()
            .create(GatewayRig.chat("gpt-test", "Cheaper please"));

    assertThat(response.headers().values("x-governor-model-downgrade"))
        .containsExactly("gpt-test -> mini-test");
    assertThat(response.parse().choices().get(0).message().content())
        .hasValue("fake answer from mini-test");
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(rig.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void anUpstreamThatFailsBeforeAnyTokenIsReleasedAndReportedAsUnavailable() {
    String scope = rig.fundedScope(1_000_000);
    rig.primary.then(new Behaviour.Status(500, null));

    assertThatThrownBy(
            () ->
                rig.openAi(rig.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(InternalServerException.class)
        .hasMessageContaining("nothing was charged");
    assertThat(rig.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void aClientThatLeavesMidStreamIsChargedWhatWasDelivered() {
    String scope = rig.fundedScope(1_000_000);
    rig.primary.then(new Behaviour.StallAfter(2));
    StreamResponse<ChatCompletionChunk> stream =
        rig.openAi(rig.agent(scope))
            .chat()
            .completions()
            .createStreaming(GatewayRig.chat("gpt-test", "Leave"));
    Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
    StringBuilder delivered = new StringBuilder();
    while (delivered.length()
        < (FakeProvider.STREAMED_WORDS.get(0) + FakeProvider.STREAMED_WORDS.get(1)).length()) {
      chunks.next().choices().forEach(c -> delivered.append(c.delta().content().orElse("")));
    }
    stream.close();

    long words = (delivered.length() + 3) / 4;
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              long[] now = rig.spentAndReserved(scope);
              assertThat(now[1]).isZero();
              assertThat(now[0])
                  .isPositive()
                  .isLessThanOrEqualTo(rig.cost("gpt-test", 1000, words));
            });
  }

  @Test
  void aStreamTheProviderCutsIsChargedWhatItDeliveredAndNothingIfItDeliveredNothing() {
    String cutEarly = rig.fundedScope(1_000_000);
    String cutLate = rig.fundedScope(1_000_000);
    rig.primary.then(new Behaviour.CutAfter(0));
    assertThatThrownBy(() -> drain(cutEarly)).isInstanceOf(RuntimeException.class);
    rig.primary.then(new Behaviour.CutAfter(3));
    assertThatThrownBy(() -> drain(cutLate)).isInstanceOf(RuntimeException.class);

    long delivered =
        (FakeProvider.STREAMED_WORDS.subList(0, 3).stream().mapToInt(String::length).sum() + 3) / 4;
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(rig.spentAndReserved(cutEarly)).containsExactly(0, 0);
              long[] late = rig.spentAndReserved(cutLate);
              assertThat(late[1]).isZero();
              assertThat(late[0])
                  .isPositive()
                  .isLessThanOrEqualTo(rig.cost("gpt-test", 1000, delivered));
            });
  }

  private static long drain(String scope) {
    try (StreamResponse<ChatCompletionChunk> stream =
        rig.openAi(rig.agent(scope))
            .chat()
            .completions()
            .createStreaming(GatewayRig.chat("gpt-test", "Cut"))) {
      return stream.stream().count();
    }
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyIsNeverASecondCharge() {
    String scope = rig.fundedScope(1_000_000);
    String token = rig.agent(scope);
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 50)
            .put("messages", new io.vertx.core.json.JsonArray().add(user("Once")));
    Map<String, String> key = Map.of("Idempotency-Key", "call-" + UUID.randomUUID());

    HttpResponse<String> first =
        rig.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);
    HttpResponse<String> second =
        rig.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(second.body()).getJsonObject("error").getString("code"))
        .isEqualTo("call_already_made");
    assertThat(rig.spentAndReserved(scope))
        .containsExactly(rig.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void theClientsCredentialNeverReachesTheProviderOnlyTheOperatorsKeyDoes() {
    String scope = rig.fundedScope(1_000_000);
    String token = rig.agent(scope);
    rig.openAi(token).chat().completions().create(GatewayRig.chat("gpt-test", "Whose key?"));
    rig.anthropic(token).messages().create(GatewayRig.message("claude-test"));

    List<FakeProvider.Received> received = rig.primary.received();
    FakeProvider.Received openAiCall = received.get(received.size() - 2);
    FakeProvider.Received anthropicCall = received.get(received.size() - 1);
    assertThat(openAiCall.headers().get("authorization"))
        .isEqualTo("Bearer " + GatewayFixture.OPERATOR_KEY);
    assertThat(anthropicCall.headers().get("x-api-key")).isEqualTo(GatewayFixture.OPERATOR_KEY);
    for (FakeProvider.Received call : received) {
      call.headers().forEach(header -> assertThat(header.getValue()).doesNotContain(token));
      assertThat(call.body().encode()).doesNotContain(token);
    }
  }

  private static JsonObject lastBody(FakeProvider provider) {
    List<FakeProvider.Received> received = provider.received();
    return received.get(received.size() - 1).body();
  }

  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }
}
