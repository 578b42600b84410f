package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.infrafabric.llm.ProviderSettings;
import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The offline provider behind the gateway, with the official OpenAI and Anthropic SDKs as its
 * clients: it answers in both formats, whole and streamed, and every call goes the one money path
 * (reserved, charged what the answer reports, once per idempotency key, refused at the cap).
 */
@Timeout(120)
class GatewayOfflineTest {

  @RegisterExtension
  static final GatewayRig RIG =
      GatewayRig.withSettings(
          new GatewaySettings(
              List.of(
                  ProviderSettings.offline(
                      List.of("gpt-test", "mini-test", "claude-test", "emb-test"))),
              GatewaySettings.parseAliases(List.of("smart=gpt-test>mini-test")),
              Optional.empty(),
              1000,
              32_768,
              Duration.ofSeconds(30),
              16L << 20,
              true,
              GatewaySettings.NONE.keyCacheTtl(),
              Set.of(),
              GatewaySettings.NONE.answerWait()));

  @Test
  void aChatCompletionIsAnsweredTheSameWayTwiceAndChargedWhatItReports() {
    String scope = RIG.fundedScope(1_000_000);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));

    HttpResponseFor<ChatCompletion> first =
        client.chat().completions().withRawResponse().create(GatewayRig.chat("gpt-test", "Hi"));
    HttpResponseFor<ChatCompletion> again =
        client.chat().completions().withRawResponse().create(GatewayRig.chat("gpt-test", "Hi"));

    ChatCompletion answer = first.parse();
    assertThat(answer.choices().get(0).message().content())
        .hasValue("[offline gpt-test] You said: Hi");
    assertThat(again.parse().choices()).isEqualTo(answer.choices());
    assertThat(first.headers().values("x-governor-provider")).containsExactly("offline");
    CompletionUsage usage = answer.usage().orElseThrow();
    long one = RIG.cost("gpt-test", usage.promptTokens(), usage.completionTokens());
    assertThat(first.headers().values("x-budget-charged-micros"))
        .containsExactly(Long.toString(one));
    assertThat(again.headers().values("x-budget-charged-micros"))
        .containsExactly(Long.toString(one));
    assertThat(RIG.spentAndReserved(scope)).containsExactly(2 * one, 0);
  }

  @Test
  void aStreamedChatCompletionIsTheSameAnswerInChunksWithItsUsageChunk() {
    String scope = RIG.fundedScope(1_000_000);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));
    ChatCompletionCreateParams askingUsage =
        GatewayRig.chat("smart", "Stream it").toBuilder()
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(askingUsage)) {
      chunks = stream.stream().toList();
    }

    String text =
        chunks.stream()
            .flatMap(chunk -> chunk.choices().stream())
            .map(choice -> choice.delta().content().orElse(""))
            .collect(Collectors.joining());
    assertThat(chunks.size()).isGreaterThan(3);
    assertThat(text).isEqualTo("[offline gpt-test] You said: Stream it");
    CompletionUsage usage = chunks.get(chunks.size() - 1).usage().orElseThrow();
    assertThat(usage.completionTokens()).isEqualTo((text.length() + 3) / 4);
    long charged = RIG.cost("gpt-test", usage.promptTokens(), usage.completionTokens());
    RIG.awaitSettled(scope, charged);
  }

  @Test
  void anAnthropicMessageAndItsStreamAreTheSameAnswerAndEachIsCharged() {
    String scope = RIG.fundedScope(1_000_000);
    AnthropicClient client = RIG.anthropic(RIG.agent(scope));
    Message message = client.messages().create(GatewayRig.message("claude-test"));
    List<RawMessageStreamEvent> events = new ArrayList<>();
    try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream =
        client.messages().createStreaming(GatewayRig.message("claude-test"))) {
      stream.stream().forEach(events::add);
    }

    String text = message.content().get(0).text().orElseThrow().text();
    assertThat(text).isEqualTo("[offline claude-test] You said: Hello Claude");
    String streamed =
        events.stream()
            .flatMap(event -> event.contentBlockDelta().stream())
            .map(delta -> delta.delta().text().map(t -> t.text()).orElse(""))
            .collect(Collectors.joining());
    assertThat(streamed).isEqualTo(text);
    long input = events.get(0).messageStart().orElseThrow().message().usage().inputTokens();
    long output =
        events.stream()
            .flatMap(event -> event.messageDelta().stream())
            .findFirst()
            .orElseThrow()
            .usage()
            .outputTokens();
    assertThat(input).isEqualTo(message.usage().inputTokens());
    assertThat(output).isEqualTo(message.usage().outputTokens());
    assertThat(events.get(events.size() - 1).isMessageStop()).isTrue();
    long one = RIG.cost("claude-test", input, output);
    RIG.awaitSettled(scope, 2 * one);
  }

  @Test
  void embeddingsAreDeterministicUnitVectorsChargedTheirInputAndModelsAreListed() {
    String scope = RIG.fundedScope(1_000_000);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));
    EmbeddingCreateParams params =
        EmbeddingCreateParams.builder()
            .model("emb-test")
            .inputOfArrayOfStrings(List.of("some text", "other text"))
            .build();

    CreateEmbeddingResponse first = client.embeddings().create(params);
    CreateEmbeddingResponse again = client.embeddings().create(params);
    List<String> models = client.models().list().data().stream().map(Model::id).toList();

    assertThat(first.data()).hasSize(2);
    List<Float> vector = first.data().get(0).embedding();
    assertThat(vector).hasSize(64).isEqualTo(again.data().get(0).embedding());
    assertThat(vector).isNotEqualTo(first.data().get(1).embedding());
    double norm = vector.stream().mapToDouble(v -> v * v).sum();
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    long tokens = first.usage().promptTokens();
    assertThat(tokens).isEqualTo((9 + 3) / 4 + (10 + 3) / 4);
    assertThat(RIG.spentAndReserved(scope)).containsExactly(2 * RIG.cost("emb-test", tokens, 0), 0);
    assertThat(models).containsExactly("claude-test", "emb-test", "gpt-test", "mini-test", "smart");
  }

  @Test
  void tokenArraysAreEmbeddedThroughTheSdkAndChargedOneTokenAnId() {
    String scope = RIG.fundedScope(1_000_000);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));
    List<Long> tokens = List.of(9906L, 1917L, 0L);

    CreateEmbeddingResponse one =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("emb-test")
                    .inputOfArrayOfTokens(tokens)
                    .build());
    CreateEmbeddingResponse several =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("emb-test")
                    .inputOfArrayOfTokenArrays(List.of(tokens, List.of(42L)))
                    .build());

    List<Float> vector = one.data().get(0).embedding();
    assertThat(vector).hasSize(64).isEqualTo(several.data().get(0).embedding());
    assertThat(several.data()).hasSize(2);
    assertThat(several.data().get(1).embedding()).isNotEqualTo(vector);
    assertThat(one.usage().promptTokens()).isEqualTo(3);
    assertThat(several.usage().promptTokens()).isEqualTo(4);
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("emb-test", 3, 0) + RIG.cost("emb-test", 4, 0), 0);
  }

  /**
   * One caller's requests that the provider cannot read are that caller's 400, in its dialect and
   * under a stable code, and charge nothing; however many it sends, the provider's breaker (shared
   * by every tenant) stays closed, so another tenant's call is answered.
   */
  /**
   * A sampling field outside its API's documented range, or a number no provider could read, is
   * refused in the caller's dialect before anything is reserved, never relayed to be refused (or
   * misread as infinity) upstream.
   */
  @Test
  void numbersOutsideTheApisRangesAre400sBeforeAnythingIsReserved() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    String openAi =
        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],";
    String anthropic =
        "{\"model\":\"claude-test\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],";
    Map<String, String> refused = new LinkedHashMap<>();
    for (String field :
        List.of(
            "\"temperature\":2.01",
            "\"temperature\":1e999",
            "\"top_p\":-0.1",
            "\"presence_penalty\":3",
            "\"frequency_penalty\":\"high\"",
            "\"seed\":9223372036854775808",
            "\"seed\":1.5",
            "\"top_logprobs\":21",
            "\"max_tokens\":1e999",
            "\"logit_bias\":{\"1\":101}",
            "\"logit_bias\":{\"x\":1}",
            "\"logit_bias\":[1]",
            "\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}")) {
      refused.put(openAi + field + "}", GatewayRoutes.OPENAI + "/chat/completions");
    }
    for (String field :
        List.of("\"temperature\":1.5", "\"top_k\":-1", "\"top_p\":1.0000001", "\"top_k\":2.5")) {
      refused.put(anthropic + field + "}", GatewayRoutes.ANTHROPIC + "/v1/messages");
    }
    refused.put(
        "{\"model\":\"emb-test\",\"input\":\"Hi\",\"dimensions\":0}",
        GatewayRoutes.OPENAI + "/embeddings");
    for (String input :
        List.of(
            "\"\"", "[]", "[99999999999999999999]", "[-1]", "[1.5]", "[\"a\",1]", "[[]]", "[{}]")) {
      refused.put(
          "{\"model\":\"emb-test\",\"input\":" + input + "}", GatewayRoutes.OPENAI + "/embeddings");
    }
    for (String message :
        List.of("{\"role\":\"user\",\"content\":5}", "{\"content\":\"Hi\"}", "{\"role\":7}")) {
      refused.put(
          "{\"model\":\"gpt-test\",\"messages\":[" + message + "]}",
          GatewayRoutes.OPENAI + "/chat/completions");
      refused.put(
          "{\"model\":\"claude-test\",\"max_tokens\":10,\"messages\":[" + message + "]}",
          GatewayRoutes.ANTHROPIC + "/v1/messages");
    }

    refused.forEach(
        (body, path) -> {
          HttpResponse<String> answer = RIG.governor.http.send("POST", path, token, Map.of(), body);
          assertThat(answer.statusCode()).as(body + " " + answer.body()).isEqualTo(400);
          assertThat(answer.headers().firstValue("x-error-code")).hasValue("INVALID_REQUEST");
          if (path.startsWith(GatewayRoutes.OPENAI)) {
            // The field at fault, where OpenAI's SDKs read it (param()), by its path.
            String param = new JsonObject(answer.body()).getJsonObject("error").getString("param");
            assertThat(body).contains("\"" + param.split("[.\\[]")[0] + "\":");
          }
        });
    // A number past what any strict reader takes is refused as the text it is, before any field.
    HttpResponse<String> unreadable =
        RIG.governor.http.send(
            "POST",
            GatewayRoutes.OPENAI + "/chat/completions",
            token,
            Map.of(),
            openAi + "\"temperature\":1e99999}");
    assertThat(unreadable.statusCode()).isEqualTo(400);
    assertThat(unreadable.headers().firstValue("x-error-code")).hasValue("MALFORMED_REQUEST");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    HttpResponse<String> inRange =
        RIG.governor.http.send(
            "POST",
            GatewayRoutes.OPENAI + "/chat/completions",
            token,
            Map.of(),
            openAi + "\"temperature\":2,\"top_p\":0.5,\"seed\":-9223372036854775808}");
    assertThat(inRange.statusCode()).as(inRange.body()).isEqualTo(200);
  }

  @Test
  void requestsNoProviderCanReadAre400sAndNeverOpenTheSharedBreaker() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    JsonArray hello =
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi"));
    Map<JsonObject, String> unreadable = new LinkedHashMap<>();
    unreadable.put(
        new JsonObject().put("model", "gpt-test").put("messages", new JsonArray().addNull()),
        "INVALID_REQUEST");
    unreadable.put(
        new JsonObject().put("model", "gpt-test").put("messages", new JsonArray().add(1)),
        "INVALID_REQUEST");
    unreadable.put(
        new JsonObject()
            .put("model", "gpt-test")
            .put("messages", hello)
            .put("stream", true)
            .put("stream_options", "x"),
        "INVALID_REQUEST");
    unreadable.put(
        new JsonObject()
            .put("model", "gpt-test")
            .put(
                "messages",
                new JsonArray().add(new JsonObject().putNull("role").put("content", "Hi"))),
        "INVALID_REQUEST");
    unreadable.put(
        new JsonObject()
            .put("model", "gpt-test")
            .put("messages", new JsonArray().add(new JsonObject().put("content", 5))),
        "INVALID_REQUEST");
    for (int round = 0; round < 3; round++) {
      unreadable.forEach(
          (body, code) -> {
            HttpResponse<String> refused =
                RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, Map.of());
            assertThat(refused.statusCode())
                .as(body.encode() + " " + refused.body())
                .isEqualTo(400);
            assertThat(refused.headers().firstValue("x-error-code")).hasValue(code);
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("type"))
                .isEqualTo("invalid_request_error");
          });
    }
    // What only the provider refuses (more dimensions than it makes), on the same provider.
    for (int round = 0; round < 6; round++) {
      HttpResponse<String> refused =
          RIG.post(
              GatewayRoutes.OPENAI + "/embeddings",
              token,
              new JsonObject().put("model", "emb-test").put("input", "Hi").put("dimensions", 4000),
              Map.of());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.headers().firstValue("x-error-code")).hasValue("UPSTREAM_REFUSED");
    }
    HttpResponse<String> nullMaxTokens =
        RIG.post(
            GatewayRoutes.OPENAI + "/chat/completions",
            token,
            new JsonObject().put("model", "gpt-test").put("messages", hello).putNull("max_tokens"),
            Map.of());
    assertThat(nullMaxTokens.statusCode()).as(nullMaxTokens.body()).isEqualTo(200);
    long charged = RIG.spentAndReserved(scope)[0];
    JsonObject usage = new JsonObject(nullMaxTokens.body()).getJsonObject("usage");
    assertThat(charged)
        .as("only the answered call is charged")
        .isEqualTo(
            RIG.cost(
                "gpt-test", usage.getLong("prompt_tokens"), usage.getLong("completion_tokens")));

    String other = RIG.fundedScope(1_000_000);
    HttpResponse<String> answered =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", RIG.agent(other), hello(), Map.of());
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
  }

  /**
   * A token's models claim restricts it only as a list of names: a string or an empty list is
   * refused, never read as absent, which would allow every model.
   */
  @Test
  void aModelsClaimThatIsNotAListOfNamesIsRefusedNotIgnored() {
    String scope = RIG.fundedScope(1_000_000);
    JsonObject body = hello();
    var spec = RIG.governor.tokens.spec("agent-" + UUID.randomUUID(), "agent").withScope(scope);
    for (String token :
        List.of(
            RIG.governor.tokens.mint(spec.withClaim(GatewayCaller.MODELS_CLAIM, "mini-test")),
            RIG.governor.tokens.mint(spec.withListClaim(GatewayCaller.MODELS_CLAIM, List.of())))) {
      HttpResponse<String> refused =
          RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, Map.of());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(refused.body()).contains("models claim");
    }
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /** A chat completion of gpt-test saying hi, answered in at most 20 tokens. */
  private static JsonObject hello() {
    return new JsonObject()
        .put("model", "gpt-test")
        .put("max_tokens", 20)
        .put(
            "messages",
            new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
  }

  /**
   * A credential in x-api-key beside a different one in Authorization: the call acts as neither.
   */
  @Test
  void twoCredentialsAreRefusedNotGuessedBetween() {
    String scope = RIG.fundedScope(1_000_000);
    JsonObject body = hello();
    // Each credential alone would be accepted.
    HttpResponse<String> refused =
        RIG.post(
            GatewayRoutes.OPENAI + "/chat/completions",
            RIG.agent(scope),
            body,
            Map.of("x-api-key", RIG.agent(scope)));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    assertThat(refused.headers().firstValue("x-error-code")).hasValue("UNAUTHENTICATED");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * Regression: a call refused for its body, its model or its size answered without the {@code
   * Idempotency-Key} it was sent with, which the gateway read only once the call was admissible, so
   * a client could not tell which of its requests a refusal answered.
   */
  @Test
  void everyRefusalOfACallEchoesItsIdempotencyKey() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    JsonObject unknownModel =
        new JsonObject()
            .put("model", "no-such-model")
            .put("max_tokens", 50)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    JsonObject tooLong = unknownModel.copy().put("model", "gpt-test").put("max_tokens", -1);
    for (String body : List.of("{not json", unknownModel.encode(), tooLong.encode())) {
      for (String path :
          List.of(
              GatewayRoutes.OPENAI + "/chat/completions",
              GatewayRoutes.ANTHROPIC + "/v1/messages")) {
        String key = "refused-" + UUID.randomUUID();

        HttpResponse<String> refused =
            RIG.governor.http.send("POST", path, token, Map.of("Idempotency-Key", key), body);

        assertThat(refused.statusCode()).as(path + " " + body).isBetween(400, 499);
        assertThat(refused.headers().firstValue("Idempotency-Key"))
            .as(path + " " + body + " answered " + refused.statusCode() + " " + refused.body())
            .hasValue(key);
      }
    }
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyIsChargedOnce() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 50)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Once")));
    Map<String, String> key = Map.of("Idempotency-Key", "call-" + UUID.randomUUID());

    HttpResponse<String> first =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);
    HttpResponse<String> second =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(second.body()).getJsonObject("error").getString("code"))
        .isEqualTo("call_already_made");
    JsonObject usage = new JsonObject(first.body()).getJsonObject("usage");
    long once =
        RIG.cost("gpt-test", usage.getLong("prompt_tokens"), usage.getLong("completion_tokens"));
    assertThat(RIG.spentAndReserved(scope)).containsExactly(once, 0);
  }

  @Test
  void streamedCallsOnASmallCapAreRefusedWithTheBudgetNamedAndNeverOverspend() {
    long cap = 2_000;
    String scope = RIG.fundedScope(cap);
    OpenAIClient client = RIG.openAi(RIG.agent(scope));
    // Each call reserves about 1,300 micro-dollars (100 output tokens and the body's bytes) and
    // spends about 110: a few fit, then the reservation does not.
    ChatCompletionCreateParams again =
        ChatCompletionCreateParams.builder()
            .model("gpt-test")
            .addUserMessage("Again")
            .maxCompletionTokens(100)
            .build();
    int completed = 0;
    RateLimitException refused = null;
    while (refused == null && completed < 20) {
      try (StreamResponse<ChatCompletionChunk> stream =
          client.chat().completions().createStreaming(again)) {
        stream.stream().forEach(chunk -> {});
        completed++;
      } catch (RateLimitException e) {
        refused = e;
      }
    }

    assertThat(completed).isPositive();
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).contains("Budget exceeded").contains(scope);
    int calls = completed;
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              long[] now = RIG.spentAndReserved(scope);
              assertThat(now[1]).isZero();
              assertThat(now[0]).isPositive().isLessThanOrEqualTo(cap);
              assertThat(now[0] % calls).isZero();
            });
    assertThatThrownBy(() -> client.chat().completions().create(again))
        .isInstanceOf(RateLimitException.class);
  }
}
