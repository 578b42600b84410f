package com.infrafabric.governor.gateway;

import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.governor.testing.GovernorRig;
import com.infrafabric.governor.testing.GovernorServiceRig;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.VaultFixture;
import com.infrafabric.platform.http.HttpSettings;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real governor on a real redis-server with its gateway in front of two fake providers on
 * loopback: {@code primary} serves {@code gpt-test} and {@code emb-test} (OpenAI) and {@code
 * claude-test} (Anthropic, same server), {@code backup} serves {@code mini-test}; the alias {@code
 * smart} tries {@code gpt-test}, then {@code mini-test}. The operator's keys are in the vault.
 */
final class GatewayRig implements AutoCloseable {

  static final String OPERATOR_KEY = "sk-operator-secret-4f1c9e";
  static final String BACKUP_KEY = "sk-backup-secret-77a0d2";
  static final ModelPrice CLAUDE_TEST =
      new ModelPrice("claude-test", 3_000_000, 300_000, 15_000_000);
  static final ModelPrice EMB_TEST = new ModelPrice("emb-test", 100_000, 0, 0);

  final FakeProvider primary = FakeProvider.start();
  final FakeProvider backup = FakeProvider.start();
  final GovernorServiceRig governor;

  GatewayRig(RedisEndpoint redis, Path directory) {
    String keys = MasterKeys.generateJwks("gateway-test");
    GatewaySettings settings =
        new GatewaySettings(
            List.of(
                fast(
                    ProviderSettings.openAiCompatible(
                        "primary",
                        URI.create(primary.url()),
                        "primary-key",
                        List.of("gpt-test", "emb-test"))),
                fast(
                    ProviderSettings.anthropic(
                        "anthropic",
                        URI.create(primary.url()),
                        "anthropic-key",
                        List.of("claude-test"))),
                fast(
                    ProviderSettings.openAiCompatible(
                        "backup", URI.create(backup.url()), "backup-key", List.of("mini-test")))),
            GatewaySettings.parseAliases(List.of("smart=gpt-test>mini-test")),
            Optional.of(MasterKeys.parse(keys)),
            1000,
            32_768,
            Duration.ofSeconds(30),
            16L << 20,
            true);
    this.governor =
        new GovernorServiceRig(
            redis, directory, WebhookSettings.NONE, HttpSettings.defaults().withPort(0), settings);
    MasterKeys master = MasterKeys.parse(keys);
    VaultFixture.putOperatorKey(
        governor.redis,
        master,
        "primary-key",
        OPERATOR_KEY,
        primary.url(),
        "authorization",
        "Bearer");
    VaultFixture.putOperatorKey(
        governor.redis, master, "anthropic-key", OPERATOR_KEY, primary.url(), "x-api-key", "");
    VaultFixture.putOperatorKey(
        governor.redis, master, "backup-key", BACKUP_KEY, backup.url(), "authorization", "Bearer");
    Await.result(
        governor
            .service
            .pricing()
            .replace(
                List.of(GovernorRig.GPT_TEST, GovernorRig.MINI_TEST, CLAUDE_TEST, EMB_TEST), -1));
  }

  private static ProviderSettings fast(ProviderSettings settings) {
    return settings
        .withTimeout(Duration.ofSeconds(5))
        .withRetries(0, Duration.ofMillis(1))
        .withBreaker(1000, Duration.ofSeconds(30));
  }

  String openAiBase() {
    return "http://127.0.0.1:" + governor.service.port() + GatewayRoutes.OPENAI;
  }

  String anthropicBase() {
    return "http://127.0.0.1:" + governor.service.port() + GatewayRoutes.ANTHROPIC;
  }

  /** An agent token confined to {@code scope}, limited to {@code models} when any are named. */
  String agent(String scope, String... models) {
    var spec =
        governor.tokens.spec("agent-" + java.util.UUID.randomUUID(), "agent").withScope(scope);
    if (models.length > 0) {
      spec = spec.withListClaim(GatewayCaller.MODELS_CLAIM, List.of(models));
    }
    return governor.tokens.mint(spec);
  }

  /** The spent and reserved micro-dollars of {@code scope}'s first layer. */
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
    primary.close();
    backup.close();
  }
}
