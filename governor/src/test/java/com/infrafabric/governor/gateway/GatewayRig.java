package com.infrafabric.governor.gateway;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.Await;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real governor on a real redis-server with its gateway in front of {@link GatewayFixture}'s
 * fake providers (or other providers' settings), the operator's keys in the vault and every model
 * of the fixture priced.
 */
final class GatewayRig implements AutoCloseable {

  final GatewayFixture fixture = new GatewayFixture();
  final FakeProvider primary = fixture.primary;
  final FakeProvider backup = fixture.backup;
  final GovernorServiceRig governor;

  GatewayRig(RedisEndpoint redis, Path directory) {
    this(redis, directory, null);
  }

  /** The gateway with {@code settings}' providers instead of the fixture's, when not null. */
  GatewayRig(RedisEndpoint redis, Path directory, GatewaySettings settings) {
    this.governor =
        new GovernorServiceRig(
            redis,
            directory,
            WebhookSettings.NONE,
            HttpSettings.defaults().withPort(0),
            settings == null ? fixture.settings() : settings);
    fixture.sealKeys(governor.redis);
    Await.result(governor.service.pricing().replace(GatewayFixture.prices(), -1));
  }

  /** A fresh tenant's {@code agents} scope, with a day cap of {@code cap} micro-dollars. */
  String fundedScope(long cap) {
    String scope = GovernorRig.freshTenant("gw") + "/agents";
    governor.budget(scope, "day", cap);
    return scope;
  }

  /** What {@code input} and {@code output} tokens of {@code model} cost at the rig's prices. */
  long cost(String model, long input, long output) {
    return governor.service.pricing().get().cost(model, new TokenUsage(input, 0, output));
  }

  String openAiBase() {
    return "http://127.0.0.1:" + governor.service.port() + GatewayRoutes.OPENAI;
  }

  String anthropicBase() {
    return "http://127.0.0.1:" + governor.service.port() + GatewayRoutes.ANTHROPIC;
  }

  /** An agent token confined to {@code scope}, limited to {@code models} when any are named. */
  String agent(String scope, String... models) {
    var spec = governor.tokens.spec("agent-" + UUID.randomUUID(), "agent").withScope(scope);
    if (models.length > 0) {
      spec = spec.withListClaim(GatewayCaller.MODELS_CLAIM, List.of(models));
    }
    return governor.tokens.mint(spec);
  }

  /** The spent and reserved micro-dollars of {@code scope}'s own layer. */
  long[] spentAndReserved(String scope) {
    HttpResponse<String> status =
        governor.call(
            "GET",
            "/v1/budgets/" + GovernorServiceRig.encode(scope) + "/status",
            governor.auditor(scope.split("/", 2)[0]),
            null);
    JsonArray layers = new JsonObject(status.body()).getJsonArray("layers");
    JsonObject mine =
        layers.stream()
            .map(JsonObject.class::cast)
            .filter(layer -> layer.getString("scope").equals(scope))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no layer of " + scope + ": " + status.body()));
    return new long[] {mine.getLong("spent_micros"), mine.getLong("reserved_micros")};
  }

  /** A raw POST through the gateway, for what the SDKs do not expose. */
  HttpResponse<String> post(
      String path, String token, JsonObject body, Map<String, String> headers) {
    return governor.call("POST", path, token, body, headers);
  }

  @Override
  public void close() {
    governor.close();
    fixture.close();
  }

  /** The official OpenAI client, with this gateway as its base URL and {@code key}, no retries. */
  OpenAIClient openAi(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(openAiBase()).apiKey(key).maxRetries(0).build();
  }

  /** The official Anthropic client, with this gateway as its base URL and {@code key}. */
  AnthropicClient anthropic(String key) {
    return AnthropicOkHttpClient.builder()
        .baseUrl(anthropicBase())
        .apiKey(key)
        .maxRetries(0)
        .build();
  }

  static ChatCompletionCreateParams chat(String model, String text) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .addUserMessage(text)
        .maxCompletionTokens(1000)
        .build();
  }

  static MessageCreateParams message(String model) {
    return MessageCreateParams.builder()
        .model(model)
        .maxTokens(1000)
        .addUserMessage("Hello Claude")
        .build();
  }
}
