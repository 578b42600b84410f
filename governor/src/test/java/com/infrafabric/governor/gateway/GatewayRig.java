package com.infrafabric.governor.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.governor.testing.GatewayFixture;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.platform.testing.Await;
import com.infrafabric.platform.testing.RedisServerExtension;
import com.infrafabric.platform.testing.TempFolder;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real governor on its own real redis-server with its gateway in front of {@link
 * GatewayFixture}'s fake providers (or other providers' settings), the operator's keys in the vault
 * and every model of the fixture priced; started before a test class and stopped after it.
 *
 * <pre>{@code @RegisterExtension static final GatewayRig RIG = GatewayRig.create();}</pre>
 */
final class GatewayRig implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private final RedisServerExtension redis = RedisServerExtension.create();
  private final GatewaySettings settings;
  private final UnaryOperator<ProviderSettings> tuning;
  private final UnaryOperator<GatewaySettings> shape;
  private Path directory;
  GatewayFixture fixture;
  FakeProvider primary;
  FakeProvider backup;
  GovernorServiceRig governor;

  private GatewayRig(
      GatewaySettings settings,
      UnaryOperator<ProviderSettings> tuning,
      UnaryOperator<GatewaySettings> shape) {
    this.settings = settings;
    this.tuning = tuning;
    this.shape = shape;
  }

  /** The gateway in front of the fixture's fake providers. */
  static GatewayRig create() {
    return new GatewayRig(null, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /** The gateway in front of the fixture's fake providers, each tuned by {@code tuning}. */
  static GatewayRig tuning(UnaryOperator<ProviderSettings> tuning) {
    return new GatewayRig(null, tuning, UnaryOperator.identity());
  }

  /**
   * The gateway with the fixture's settings as {@code shape} makes them: for providers or aliases
   * laid out otherwise on the fixture's fake providers (their URLs are known once they started).
   */
  static GatewayRig reshaping(UnaryOperator<GatewaySettings> shape) {
    return new GatewayRig(null, UnaryOperator.identity(), shape);
  }

  /** The gateway with {@code settings}' providers instead of the fixture's. */
  static GatewayRig withSettings(GatewaySettings settings) {
    return new GatewayRig(settings, UnaryOperator.identity(), UnaryOperator.identity());
  }

  /** The fixture's settings with every provider tuned. */
  private GatewaySettings fixtureSettings() {
    GatewaySettings fixed = fixture.settings();
    return new GatewaySettings(
        fixed.providers().stream().map(tuning).toList(),
        fixed.aliases(),
        fixed.masterKeys(),
        fixed.defaultMaxOutputTokens(),
        fixed.maxOutputTokens(),
        fixed.maxStreamDuration(),
        fixed.maxAnswerBytes(),
        fixed.applyDowngrades(),
        fixed.keyCacheTtl(),
        fixed.allowedAnthropicBetas(),
        fixed.answerWait());
  }

  /** Each test starts with providers that answer: nothing an earlier test scripted is left. */
  @Override
  public void beforeEach(ExtensionContext context) {
    if (primary != null) {
      primary.forgetScript();
      backup.forgetScript();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    redis.beforeAll(context);
    directory = TempFolder.create("gateway-rig-");
    fixture = new GatewayFixture();
    primary = fixture.primary;
    backup = fixture.backup;
    // At the real present: the gateway's tests read the ledger and spend by time, which Redis's
    // stream ids (its real clock) bound within minutes of the node's.
    governor =
        new GovernorServiceRig(
            redis.endpoint(),
            directory,
            settings == null ? shape.apply(fixtureSettings()) : settings,
            Instant.now());
    fixture.sealKeys(governor.redis);
    Await.result(governor.service.pricing().replace(GatewayFixture.prices(), -1));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (governor != null) {
        governor.close();
      }
      if (fixture != null) {
        fixture.close();
      }
    } finally {
      redis.afterAll(context);
      TempFolder.delete(directory);
    }
  }

  /**
   * Stops the rig's redis-server answering ({@link RedisServerExtension#stall}), as a hung server
   * would, until {@link #resumeStore}.
   */
  void stallStore() {
    redis.stall();
  }

  /**
   * Resumes the stalled store and waits until the governor's client is answered again: it marks a
   * store that did not answer as down for a while, and the next test's set-up would be refused.
   */
  void resumeStore() {
    redis.resume();
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              Await.result(governor.redis.send(Request.cmd(Command.PING)));
              return true;
            });
  }

  /**
   * The fixture's model of {@code wire}: {@code openai} (chat), {@code anthropic} (messages) or
   * {@code embeddings}.
   */
  static String model(String wire) {
    return switch (wire) {
      case "openai" -> "gpt-test";
      case "embeddings" -> "emb-test";
      default -> "claude-test";
    };
  }

  /**
   * One call saying "Hi" to {@code wire}'s model ({@link #model}) as an agent of {@code scope}: a
   * chat or a message of at most {@code maxTokens}, streamed or not, or an embedding.
   */
  HttpResponse<String> sayHi(String wire, boolean stream, long maxTokens, String scope) {
    if (wire.equals("embeddings")) {
      return post(
          GatewayRoutes.OPENAI + "/embeddings",
          agent(scope),
          new JsonObject().put("model", model(wire)).put("input", "Hi"),
          Map.of());
    }
    JsonObject body =
        new JsonObject()
            .put("model", model(wire))
            .put("max_tokens", maxTokens)
            .put("stream", stream)
            .put(
                "messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Hi")));
    String path =
        wire.equals("openai")
            ? GatewayRoutes.OPENAI + "/chat/completions"
            : GatewayRoutes.ANTHROPIC + "/v1/messages";
    return post(path, agent(scope), body, Map.of());
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
    return governor.spentAndReserved(scope);
  }

  /** The ledger's entries of {@code scope}'s operations, oldest first (see {@code operations}). */
  List<JsonObject> ledger(String scope) {
    return governor.operations(scope);
  }

  /**
   * Waits until {@code scope}'s only call is settled, and returns its settlement's ledger entry
   * after checking that it spent just what the call reserved: the charge of a call whose provider
   * never reported all of its usage.
   */
  JsonObject awaitChargedAsReserved(String scope) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(spentAndReserved(scope)[1]).isZero());
    List<JsonObject> entries = ledger(scope);
    long reserved = entries.get(0).getLong("reserved_delta_micros");
    JsonObject settled = entries.get(entries.size() - 1);
    assertThat(reserved).isPositive();
    assertThat(spentAndReserved(scope)).containsExactly(reserved, 0);
    assertThat(settled.getLong("spent_delta_micros")).isEqualTo(reserved);
    return settled;
  }

  /**
   * Waits until {@code scope}'s own layer has spent exactly {@code spent} and holds nothing: a
   * call's commit lands just after its answer (a stream's once the caller has read its end).
   */
  void awaitSettled(String scope, long spent) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(spentAndReserved(scope)).containsExactly(spent, 0));
  }

  /** A raw POST through the gateway, for what the SDKs do not expose. */
  HttpResponse<String> post(
      String path, String token, JsonObject body, Map<String, String> headers) {
    return governor.call("POST", path, token, body, headers);
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
