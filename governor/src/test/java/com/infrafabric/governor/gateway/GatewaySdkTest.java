package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.anthropic.client.AnthropicClient;
import com.anthropic.errors.PaymentRequiredException;
import com.anthropic.models.beta.AnthropicBeta;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.WebSearchTool20250305;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.testing.FakeProvider.Behaviour;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.LogCapture;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway with the official OpenAI and Anthropic Java SDKs as its clients, changed only in base
 * URL and key, against the real governor on a real redis-server and fake providers on loopback:
 * what the SDKs get, and what the budget was charged.
 */
@Timeout(120)
class GatewaySdkTest {

  @RegisterExtension static final GatewayRig RIG = GatewayRig.create();

  @Test
  void aChatCompletionIsRelayedAndChargedWhatTheProviderReported() {
    String scope = RIG.fundedScope(1_000_000);
    ChatCompletion completion =
        RIG.openAi(RIG.agent(scope))
            .chat()
            .completions()
            .create(GatewayRig.chat("gpt-test", "Hello there"));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from gpt-test");
    assertThat(completion.usage().orElseThrow().completionTokens())
        .isEqualTo(FakeProvider.OUTPUT_TOKENS);
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void aStreamedChatCompletionArrivesInChunksAndIsChargedTheReportedUsage() {
    String scope = RIG.fundedScope(1_000_000);
    List<ChatCompletionChunk> chunks = streamed(scope, GatewayRig.chat("gpt-test", "Stream"));

    assertThat(text(chunks)).isEqualTo(String.join("", FakeProvider.STREAMED_WORDS));
    JsonObject sent = lastBody(RIG.primary);
    assertThat(sent.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    assertThat(chunks)
        .as("the usage chunk the gateway asked for on its own account is not the client's")
        .allSatisfy(chunk -> assertThat(chunk.choices()).isNotEmpty());
    RIG.awaitSettled(scope, RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5));
  }

  @Test
  void aClientThatAsksForTheStreamsUsageGetsIt() {
    String scope = RIG.fundedScope(1_000_000);
    ChatCompletionCreateParams asking =
        GatewayRig.chat("gpt-test", "Stream").toBuilder()
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    List<ChatCompletionChunk> chunks = streamed(scope, asking);

    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(FakeProvider.OUTPUT_TOKENS);
    assertThat(text(chunks)).isEqualTo(String.join("", FakeProvider.STREAMED_WORDS));
    RIG.awaitSettled(scope, RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5));
  }

  private static List<ChatCompletionChunk> streamed(
      String scope, ChatCompletionCreateParams params) {
    try (StreamResponse<ChatCompletionChunk> stream =
        RIG.openAi(RIG.agent(scope)).chat().completions().createStreaming(params)) {
      return stream.stream().collect(Collectors.toList());
    }
  }

  private static String text(List<ChatCompletionChunk> chunks) {
    return chunks.stream()
        .flatMap(chunk -> chunk.choices().stream())
        .map(choice -> choice.delta().content().orElse(""))
        .collect(Collectors.joining());
  }

  @Test
  void anAnthropicMessageAndStreamAreRelayedAndCharged() {
    String scope = RIG.fundedScope(1_000_000);
    AnthropicClient client = RIG.anthropic(RIG.agent(scope));
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
    long one = RIG.cost("claude-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5);
    RIG.awaitSettled(scope, 2 * one);
  }

  @Test
  void embeddingsAreChargedTheirInputAndModelsListWhatTheCallerMayUse() {
    String scope = RIG.fundedScope(1_000_000);
    CreateEmbeddingResponse embeddings =
        RIG.openAi(RIG.agent(scope))
            .embeddings()
            .create(EmbeddingCreateParams.builder().model("emb-test").input("some text").build());
    List<String> models =
        RIG.openAi(RIG.agent(scope, "smart", "emb-test")).models().list().data().stream()
            .map(Model::id)
            .toList();

    assertThat(embeddings.data()).hasSize(1);
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("emb-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 0), 0);
    assertThat(models).containsExactly("emb-test", "smart");
  }

  /**
   * A model a provider serves but the catalogue does not price is refused on every call, so the
   * models list leaves it out; so is an alias with such a model among its fallbacks, since a call
   * is priced on every model it may fall back to. The probe found such a model listed and never
   * working.
   */
  @Test
  void theModelsListLeavesOutWhatTheCatalogueDoesNotPrice() {
    String scope = RIG.fundedScope(1_000_000);
    String agent = RIG.agent(scope);
    Await.result(
        RIG.governor
            .service
            .pricing()
            .replace(List.of(GovernorRig.GPT_TEST, GatewayFixture.CLAUDE_TEST), -1));
    try {
      List<String> models =
          RIG.openAi(agent).models().list().data().stream().map(Model::id).toList();

      assertThat(models).contains("gpt-test").doesNotContain("mini-test", "emb-test", "smart");
      assertThat(RIG.sayHi("openai", false, 5, scope).statusCode()).isEqualTo(200);
      HttpResponse<String> alias =
          RIG.post(
              GatewayRoutes.OPENAI + "/chat/completions",
              agent,
              new JsonObject()
                  .put("model", "smart")
                  .put("max_tokens", 5)
                  .put(
                      "messages",
                      new JsonArray()
                          .add(new JsonObject().put("role", "user").put("content", "Hi"))),
              Map.of());
      assertThat(alias.statusCode()).as(alias.body()).isEqualTo(422);
    } finally {
      Await.result(RIG.governor.service.pricing().replace(GatewayFixture.prices(), -1));
    }
  }

  /**
   * Regression: {@code encoding_format} {@code hex} was relayed and answered 200 by a provider that
   * ignored it. It is the SDK's bad request naming the field, before anything is reserved.
   */
  @Test
  void anEncodingFormatOpenAiDoesNotListIsABadRequest() {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    EmbeddingCreateParams hex =
        EmbeddingCreateParams.builder()
            .model("emb-test")
            .input("some text")
            .encodingFormat(EmbeddingCreateParams.EncodingFormat.of("hex"))
            .build();

    assertThatThrownBy(() -> RIG.openAi(RIG.agent(scope)).embeddings().create(hex))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.param()).contains("encoding_format");
              assertThat(e.getMessage()).contains("encoding_format must be one of float, base64");
            });
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.primary.received()).hasSize(received);
  }

  @Test
  void anExhaustedBudgetIsAQuotaErrorNamingTheBudgetAndChargesNothing() {
    String scope = RIG.fundedScope(100);

    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("Budget exceeded")
        .hasMessageContaining(scope);
    assertThatThrownBy(
            () ->
                RIG.anthropic(RIG.agent(scope))
                    .messages()
                    .create(GatewayRig.message("claude-test")))
        .isInstanceOf(PaymentRequiredException.class)
        .hasMessageContaining("Budget exceeded");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  @Test
  void aModelTheCallerMayNotUseOrThatDoesNotExistIsRefusedAndChargesNothing() {
    String scope = RIG.fundedScope(1_000_000);

    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope, "mini-test"))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("gpt-test");
    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("no-such", "Hi")))
        .isInstanceOf(NotFoundException.class);
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * What the gateway does not serve is still an error of the SDK's own API: an endpoint no route
   * matches, a method a route does not take and a head the server cannot read are answered in the
   * dialect of the base URL, so the SDK raises its typed exception with a message, not a parse
   * failure.
   */
  @Test
  void whatTheGatewayDoesNotServeIsAnErrorInTheSdksDialect() {
    String scope = RIG.fundedScope(1_000_000);

    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope))
                    .completions()
                    .create(
                        CompletionCreateParams.builder().model("gpt-test").prompt("Hi").build()))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.type()).contains("invalid_request_error"));
    assertThatThrownBy(() -> RIG.anthropic(RIG.agent(scope)).models().list())
        .isInstanceOfSatisfying(
            com.anthropic.errors.NotFoundException.class,
            e -> assertThat(e.body().toString()).contains("not_found_error"));

    HttpResponse<String> wrongMethod =
        RIG.governor.call(
            "DELETE", GatewayRoutes.OPENAI + "/chat/completions", RIG.agent(scope), null, Map.of());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(wrongMethod.body()).getJsonObject("error").getString("type"))
        .isEqualTo("invalid_request_error");

    HttpResponse<String> hugeHead =
        RIG.post(
            GatewayRoutes.ANTHROPIC + "/v1/messages",
            RIG.agent(scope),
            new JsonObject(),
            Map.of("x-padding", "p".repeat(16 * 1024)));
    assertThat(hugeHead.statusCode()).isEqualTo(431);
    assertThat(hugeHead.headers().firstValue("X-Error-Code")).contains("HEADERS_TOO_LARGE");
    assertThat(new JsonObject(hugeHead.body()).getString("type")).isEqualTo("error");

    HttpResponse<String> platform =
        RIG.governor.call("GET", "/v1/no-such-thing", RIG.agent(scope), null, Map.of());
    assertThat(new JsonObject(platform.body()).getString("code")).isEqualTo("NOT_FOUND");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * A part the provider bills by another measure than its bytes (an image's pixels, a server tool's
   * uses) is refused by the SDK's own bad-request exception, naming the part, before anything is
   * reserved or the provider is called.
   */
  @Test
  void whatTheWorstCaseCannotBoundIsABadRequestInTheSdksDialect() {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    ChatCompletionCreateParams image =
        ChatCompletionCreateParams.builder()
            .model("gpt-test")
            .addUserMessageOfArrayOfContentParts(
                List.of(
                    ChatCompletionContentPart.ofText(
                        ChatCompletionContentPartText.builder().text("What is this?").build()),
                    ChatCompletionContentPart.ofImageUrl(
                        ChatCompletionContentPartImage.builder()
                            .imageUrl(
                                ChatCompletionContentPartImage.ImageUrl.builder()
                                    .url("https://example.com/a.png")
                                    .build())
                            .build())))
            .build();
    MessageCreateParams webSearch =
        GatewayRig.message("claude-test").toBuilder()
            .addTool(WebSearchTool20250305.builder().build())
            .build();

    assertThatThrownBy(() -> RIG.openAi(RIG.agent(scope)).chat().completions().create(image))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.type()).contains("invalid_request_error");
              assertThat(e.param()).contains("messages[0].content[1].type");
              assertThat(e.getMessage()).contains("cost cannot be bounded before the call");
            });
    assertThatThrownBy(() -> RIG.anthropic(RIG.agent(scope)).messages().create(webSearch))
        .isInstanceOfSatisfying(
            com.anthropic.errors.BadRequestException.class,
            e ->
                assertThat(e.body().toString())
                    .contains("invalid_request_error")
                    .contains("tools[0].type"));
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.primary.received()).hasSize(received);
  }

  /**
   * Regression: {@code anthropic-beta} and {@code anthropic-version} were relayed as sent, so a
   * flag that makes Anthropic bill by another measure ({@code context-1m-...}: long prompts at
   * premium rates) reached it past the worst case reserved. A flag the operator did not allow, or a
   * version Anthropic does not document, is the SDK's bad request naming it, before anything is
   * reserved or the provider is called; an allowed flag and the version reach the provider.
   */
  @Test
  void anthropicHeadersTheWorstCaseCannotBoundAreABadRequestAndAllowedOnesAreRelayed() {
    String scope = RIG.fundedScope(1_000_000);
    int received = RIG.primary.received().size();
    AnthropicClient client = RIG.anthropic(RIG.agent(scope));

    assertThatThrownBy(
            () -> client.beta().messages().create(betaMessage(AnthropicBeta.CONTEXT_1M_2025_08_07)))
        .isInstanceOfSatisfying(
            com.anthropic.errors.BadRequestException.class,
            e ->
                assertThat(e.body().toString())
                    .contains("invalid_request_error")
                    .contains("anthropic-beta context-1m-2025-08-07 is not served"));
    HttpResponse<String> version =
        RIG.post(
            GatewayRoutes.ANTHROPIC + "/v1/messages",
            RIG.agent(scope),
            new JsonObject()
                .put("model", "claude-test")
                .put("max_tokens", 50)
                .put("messages", new io.vertx.core.json.JsonArray().add(user("Hi"))),
            Map.of("anthropic-version", "2024-01-01"));
    assertThat(version.statusCode()).isEqualTo(400);
    JsonObject refused = new JsonObject(version.body());
    assertThat(refused.getString("type")).isEqualTo("error");
    assertThat(refused.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(refused.getJsonObject("error").getString("message"))
        .startsWith("anthropic-version 2024-01-01 is not a version Anthropic documents");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
    assertThat(RIG.ledger(scope)).isEmpty();
    assertThat(RIG.primary.received()).hasSize(received);

    client.beta().messages().create(betaMessage(AnthropicBeta.of(GatewayFixture.ALLOWED_BETA)));
    io.vertx.core.MultiMap sent = lastHeaders(RIG.primary);
    assertThat(sent.getAll("anthropic-beta")).containsExactly(GatewayFixture.ALLOWED_BETA);
    assertThat(sent.getAll("anthropic-version")).containsExactly("2026-10-21");
  }

  /**
   * OpenAI's headers that choose whom a call is billed to ({@code OpenAI-Organization}, {@code
   * OpenAI-Project}) or opt into other APIs ({@code OpenAI-Beta}) never reach the provider: the
   * operator's key says who pays.
   */
  @Test
  void openAisBillingAndBetaHeadersAreNotRelayed() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.openAi(RIG.agent(scope))
        .chat()
        .completions()
        .create(
            GatewayRig.chat("gpt-test", "Whose bill?").toBuilder()
                .putAdditionalHeader("OpenAI-Organization", "org-someone-else")
                .putAdditionalHeader("OpenAI-Project", "proj-someone-else")
                .putAdditionalHeader("OpenAI-Beta", "assistants=v2")
                .build());

    assertThat(lastHeaders(RIG.primary).names())
        .doesNotContainAnyElementsOf(
            List.of(
                "openai-organization",
                "OpenAI-Organization",
                "openai-project",
                "OpenAI-Project",
                "openai-beta",
                "OpenAI-Beta"));
  }

  private static com.anthropic.models.beta.messages.MessageCreateParams betaMessage(
      AnthropicBeta beta) {
    return com.anthropic.models.beta.messages.MessageCreateParams.builder()
        .model("claude-test")
        .maxTokens(100)
        .addUserMessage("Hello Claude")
        .addBeta(beta)
        .build();
  }

  @Test
  void anUpstream500FallsBackToTheAliasesNextModelAndChargesOnlyIt() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(500, null));

    ChatCompletion completion =
        RIG.openAi(RIG.agent(scope)).chat().completions().create(GatewayRig.chat("smart", "Hi"));

    assertThat(completion.choices().get(0).message().content())
        .hasValue("fake answer from mini-test");
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void aRateLimitedProviderFallsBackToTheAliasesNextModel() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(429, "1"));

    ChatCompletion afterRateLimit =
        RIG.openAi(RIG.agent(scope)).chat().completions().create(GatewayRig.chat("smart", "Hi"));

    assertThat(afterRateLimit.model()).isEqualTo("mini-test");
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  /**
   * Regression: a provider that had the request and never answered was released ("nothing was
   * charged") and the call tried again elsewhere, or again there, though the provider may make and
   * bill each request it received: an agent asking for answers longer than the timeout got them
   * free. It is now charged as reserved, tried nowhere else, and the SDK raises without retrying.
   */
  @Test
  void aProviderThatHasTheRequestAndNeverAnswersIsChargedAsReservedAndNotTriedElsewhere() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Hang());
    int primaryBefore = RIG.primary.received().size();
    int backupBefore = RIG.backup.received().size();

    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("smart", "Hi")))
        .isInstanceOfSatisfying(
            InternalServerException.class,
            timedOut -> {
              assertThat(timedOut.statusCode()).isEqualTo(504);
              assertThat(timedOut.getMessage())
                  .contains("never came", "may bill it", "charged as reserved");
              // The answer names who was charged for, as every answer a provider had does.
              assertThat(timedOut.headers().values("x-governor-provider")).isNotEmpty();
              assertThat(timedOut.headers().values("x-governor-model")).isNotEmpty();
            });

    JsonObject settled = RIG.awaitChargedAsReserved(scope);
    assertThat(settled.getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_timeout" + Charge.UNREPORTED);
    assertThat(RIG.primary.received()).hasSize(primaryBefore + 1);
    assertThat(RIG.backup.received()).hasSize(backupBefore);
  }

  /**
   * Regression: every 429 or 5xx from a provider logged Vert.x's "Stream reset: 0" at ERROR, the
   * relay's own reset of an answer it gives up, even when the alias then fell back and the call
   * succeeded.
   */
  @Test
  void aFallbackFromAFailedProviderLogsNoError() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(500, null), new Behaviour.Status(429, "1"));

    try (LogCapture logs = LogCapture.start()) {
      for (int call = 0; call < 2; call++) {
        assertThat(
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("smart", "Hi"))
                    .model())
            .isEqualTo("mini-test");
      }

      assertThat(logs.events())
          .filteredOn(event -> event.getLevel() == Level.ERROR)
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    }
  }

  @Test
  void theTenantPolicysDowngradeAdviceIsFollowedAndSaidInAHeader() {
    String scope = RIG.fundedScope(50_000);
    String tenant = scope.split("/", 2)[0];
    JsonObject downgrade =
        new JsonObject()
            .put("from_model", "gpt-test")
            .put("to_model", "mini-test")
            .put("below_remaining_pct", 99);
    HttpResponse<String> policy =
        RIG.governor.call(
            "PUT",
            "/v1/tenants/" + tenant + "/policy",
            RIG.governor.admin(tenant),
            new JsonObject().put("downgrades", new io.vertx.core.json.JsonArray().add(downgrade)));
    assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

    var response =
        RIG.openAi(RIG.agent(scope))
            .chat()
            .completions()
            .withRawResponse()
            .create(GatewayRig.chat("gpt-test", "Cheaper please"));

    assertThat(response.headers().values("x-governor-model-downgrade"))
        .containsExactly("gpt-test -> mini-test");
    assertThat(response.parse().choices().get(0).message().content())
        .hasValue("fake answer from mini-test");
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("mini-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  /**
   * Advice is followed into a call the reservation priced for the model asked for must cover: a
   * "downgrade" to a dearer model, or to one no catalogue prices, is refused when it is set.
   */
  @Test
  void aDowngradeToADearerOrUnpricedModelIsRefused() {
    String tenant = RIG.fundedScope(50_000).split("/", 2)[0];
    for (String target : List.of("gpt-test", "unpriced-test")) {
      JsonObject downgrade =
          new JsonObject()
              .put("from_model", "mini-test")
              .put("to_model", target)
              .put("below_remaining_pct", 99);
      HttpResponse<String> policy =
          RIG.governor.call(
              "PUT",
              "/v1/tenants/" + tenant + "/policy",
              RIG.governor.admin(tenant),
              new JsonObject()
                  .put("downgrades", new io.vertx.core.json.JsonArray().add(downgrade)));

      assertThat(policy.statusCode()).as(target).isEqualTo(422);
      assertThat(new JsonObject(policy.body()).getString("code")).isEqualTo("INVALID_POLICY");
      assertThat(new JsonObject(policy.body()).getString("message"))
          .contains("must cost no more than mini-test");
    }
    HttpResponse<String> kept =
        RIG.governor.call(
            "GET", "/v1/tenants/" + tenant + "/policy", RIG.governor.admin(tenant), null);
    assertThat(new JsonObject(kept.body()).getJsonArray("downgrades")).isEmpty();
  }

  @Test
  void anUpstreamThatFailsBeforeAnyTokenIsReleasedAndReportedAsUnavailable() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.Status(500, null));

    assertThatThrownBy(
            () ->
                RIG.openAi(RIG.agent(scope))
                    .chat()
                    .completions()
                    .create(GatewayRig.chat("gpt-test", "Hi")))
        .isInstanceOf(InternalServerException.class)
        .hasMessageContaining("nothing was charged");
    assertThat(RIG.spentAndReserved(scope)).containsExactly(0, 0);
  }

  /**
   * Regression: a stream the client left was charged its delivered text and a guess at the prompt
   * that counted only the messages, so a prompt held in a tool's description (the reported 269 KB
   * call) was charged a few micro-dollars. The provider's usage never arrived, so every part is
   * charged at its reserved bound, and the ledger says why.
   */
  @Test
  void aClientThatLeavesMidStreamIsChargedAsReservedWhenNoUsageArrived() {
    String scope = RIG.fundedScope(10_000_000);
    RIG.primary.then(new Behaviour.StallAfter(2));
    String description = "Describes the tool at length. ".repeat(2_000);
    ChatCompletionCreateParams params =
        GatewayRig.chat("gpt-test", "Leave").toBuilder()
            .addTool(
                ChatCompletionFunctionTool.builder()
                    .function(
                        FunctionDefinition.builder()
                            .name("lookup")
                            .description(description)
                            .build())
                    .build())
            .build();
    StreamResponse<ChatCompletionChunk> stream =
        RIG.openAi(RIG.agent(scope)).chat().completions().createStreaming(params);
    Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
    chunks.next();
    chunks.next();
    stream.close();

    JsonObject settled = RIG.awaitChargedAsReserved(scope);
    assertThat(settled.getJsonObject("fields").getString("out"))
        .isEqualTo("client_disconnected:usage_unreported");
    assertThat(settled.getLong("spent_delta_micros"))
        .isGreaterThanOrEqualTo(RIG.cost("gpt-test", description.length(), 1000));
  }

  /**
   * Regression: a client that left before the first text was released (nothing charged, its
   * Idempotency-Key forgotten), though the provider had begun the stream and bills the prompt from
   * then. It is charged: Anthropic's input as {@code message_start} reported it and the output at
   * its bound; OpenAI's, which reports nothing before its last chunk, as reserved. Its key names a
   * call made.
   */
  @Test
  void aClientThatLeavesBeforeTheFirstTextIsChargedNotReleased() {
    String openAiScope = RIG.fundedScope(10_000_000);
    String anthropicScope = RIG.fundedScope(10_000_000);
    String token = RIG.agent(openAiScope);
    ChatCompletionCreateParams params =
        GatewayRig.chat("gpt-test", "Leave early").toBuilder()
            .putAdditionalHeader("Idempotency-Key", "early-" + UUID.randomUUID())
            .build();
    RIG.primary.then(new Behaviour.StallAfter(0));
    StreamResponse<ChatCompletionChunk> chat =
        RIG.openAi(token).chat().completions().createStreaming(params);
    assertThat(chat.stream().iterator().next().choices().get(0).delta().content()).hasValue("");
    chat.close();
    RIG.primary.then(new Behaviour.StallAfter(0));
    com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> message =
        RIG.anthropic(RIG.agent(anthropicScope))
            .messages()
            .createStreaming(GatewayRig.message("claude-test"));
    assertThat(message.stream().iterator().next().isMessageStart()).isTrue();
    message.close();

    assertThat(RIG.awaitChargedAsReserved(openAiScope).getJsonObject("fields").getString("out"))
        .isEqualTo("client_disconnected:usage_unreported");
    RIG.awaitSettled(
        anthropicScope, RIG.cost("claude-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 1000));
    assertThatThrownBy(
            () -> {
              try (StreamResponse<ChatCompletionChunk> again =
                  RIG.openAi(token).chat().completions().createStreaming(params)) {
                again.stream().count();
              }
            })
        .hasMessageContaining("already named a call");
  }

  /**
   * The first event reaches the client while the provider's stream is still open (it stalls after
   * its first word and never ends), and a client that leaves then has the provider's connection
   * closed, the only way HTTP/1.1 has to stop the provider; the call's reservation is settled.
   */
  @Test
  void theFirstEventArrivesBeforeTheStreamEndsAndALeftStreamClosesTheProvidersConnection() {
    String scope = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.StallAfter(1));
    int closedBefore = RIG.primary.connections().closed().get();
    StreamResponse<ChatCompletionChunk> stream =
        RIG.openAi(RIG.agent(scope))
            .chat()
            .completions()
            .createStreaming(GatewayRig.chat("gpt-test", "First"));

    ChatCompletionChunk first = stream.stream().iterator().next();
    stream.close();

    assertThat(first.choices()).isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(RIG.primary.connections().closed().get()).isGreaterThan(closedBefore);
              assertThat(RIG.spentAndReserved(scope)[1]).isZero();
            });
  }

  /**
   * A provider that cuts a stream it began (before any text, or after some) had accepted the call:
   * fail closed, it is charged as reserved, since its usage never arrived.
   */
  @Test
  void aStreamTheProviderCutsAfterItBeganIsChargedAsReserved() {
    String cutEarly = RIG.fundedScope(1_000_000);
    String cutLate = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.CutAfter(0));
    assertThatThrownBy(() -> drain(cutEarly)).isInstanceOf(RuntimeException.class);
    RIG.primary.then(new Behaviour.CutAfter(3));
    assertThatThrownBy(() -> drain(cutLate)).isInstanceOf(RuntimeException.class);

    for (String scope : List.of(cutEarly, cutLate)) {
      assertThat(RIG.awaitChargedAsReserved(scope).getJsonObject("fields").getString("out"))
          .isEqualTo("upstream_cut" + Charge.UNREPORTED);
    }
  }

  /**
   * Regression: a stream the provider ended after some text but before its last event ({@code
   * [DONE]}, {@code message_stop}) reached the client as a cleanly ended stream, which the SDKs
   * take for a whole answer, and the ledger said {@code ok}. The client now gets an error event of
   * its dialect, on which each SDK raises, and the ledger says the provider cut it.
   */
  @Test
  void aStreamTheProviderEndsBeforeItsLastEventRaisesInTheSdkAndIsRecordedAsCut() {
    String openAi = RIG.fundedScope(1_000_000);
    String anthropic = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.EndAfter(2));
    assertThatThrownBy(() -> drain(openAi))
        .hasMessageContaining("The stream is incomplete: the provider's stream ended before");
    RIG.primary.then(new Behaviour.EndAfter(2));
    assertThatThrownBy(() -> drainAnthropic(anthropic))
        .hasMessageContaining("The stream is incomplete: the provider's stream ended before");

    assertThat(RIG.awaitChargedAsReserved(openAi).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_cut" + Charge.UNREPORTED);
    assertThat(settledOutcome(anthropic)).isEqualTo("upstream_cut" + Charge.UNREPORTED);
  }

  /**
   * Regression: a provider's error event mid-stream (relayed as it came, so the SDKs raise) was
   * recorded {@code ok}. It is recorded as the provider's error.
   */
  @Test
  void aProvidersErrorEventMidStreamIsRecordedAsAnUpstreamError() {
    String openAi = RIG.fundedScope(1_000_000);
    String anthropic = RIG.fundedScope(1_000_000);
    RIG.primary.then(new Behaviour.ErrorAfter(2));
    assertThatThrownBy(() -> drain(openAi))
        .hasMessageContaining("The server had an error while processing your request.");
    RIG.primary.then(new Behaviour.ErrorAfter(2));
    assertThatThrownBy(() -> drainAnthropic(anthropic)).hasMessageContaining("Overloaded");

    assertThat(RIG.awaitChargedAsReserved(openAi).getJsonObject("fields").getString("out"))
        .isEqualTo("upstream_error" + Charge.UNREPORTED);
    assertThat(settledOutcome(anthropic)).isEqualTo("upstream_error" + Charge.UNREPORTED);
  }

  /** The ledger's outcome of {@code scope}'s only call, once it is settled. */
  private static String settledOutcome(String scope) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(RIG.spentAndReserved(scope)[1]).isZero());
    List<JsonObject> entries = RIG.ledger(scope);
    return entries.get(entries.size() - 1).getJsonObject("fields").getString("out");
  }

  private static long drainAnthropic(String scope) {
    try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream =
        RIG.anthropic(RIG.agent(scope))
            .messages()
            .createStreaming(GatewayRig.message("claude-test"))) {
      return stream.stream().count();
    }
  }

  private static long drain(String scope) {
    try (StreamResponse<ChatCompletionChunk> stream =
        RIG.openAi(RIG.agent(scope))
            .chat()
            .completions()
            .createStreaming(GatewayRig.chat("gpt-test", "Cut"))) {
      return stream.stream().count();
    }
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyIsNeverASecondCharge() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    JsonObject body =
        new JsonObject()
            .put("model", "gpt-test")
            .put("max_tokens", 50)
            .put("messages", new io.vertx.core.json.JsonArray().add(user("Once")));
    Map<String, String> key = Map.of("Idempotency-Key", "call-" + UUID.randomUUID());

    HttpResponse<String> first =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);
    HttpResponse<String> second =
        RIG.post(GatewayRoutes.OPENAI + "/chat/completions", token, body, key);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(second.body()).getJsonObject("error").getString("code"))
        .isEqualTo("call_already_made");
    assertThat(RIG.spentAndReserved(scope))
        .containsExactly(RIG.cost("gpt-test", FakeProvider.INPUT_TOKENS_PER_MESSAGE, 5), 0);
  }

  @Test
  void theClientsCredentialNeverReachesTheProviderOnlyTheOperatorsKeyDoes() {
    String scope = RIG.fundedScope(1_000_000);
    String token = RIG.agent(scope);
    RIG.openAi(token).chat().completions().create(GatewayRig.chat("gpt-test", "Whose key?"));
    RIG.anthropic(token).messages().create(GatewayRig.message("claude-test"));

    List<FakeProvider.Received> received = RIG.primary.received();
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

  private static io.vertx.core.MultiMap lastHeaders(FakeProvider provider) {
    List<FakeProvider.Received> received = provider.received();
    return received.get(received.size() - 1).headers();
  }

  private static JsonObject lastBody(FakeProvider provider) {
    List<FakeProvider.Received> received = provider.received();
    return received.get(received.size() - 1).body();
  }

  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }
}
