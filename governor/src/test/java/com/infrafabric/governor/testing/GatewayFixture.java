package com.infrafabric.governor.testing;

import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.pricing.ModelPrice;
import com.infrafabric.llm.ProviderSettings;
import com.infrafabric.llm.testing.FakeProvider;
import com.infrafabric.llm.vault.MasterKeys;
import com.infrafabric.llm.vault.VaultFixture;
import com.infrafabric.platform.redis.RedisStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The LLM gateway's providers for tests: two fake providers on loopback. {@code primary} serves
 * {@code gpt-test} and {@code emb-test} (OpenAI) and {@code claude-test} (Anthropic, same server);
 * {@code backup} serves {@code mini-test}; the alias {@code smart} tries {@code gpt-test}, then
 * {@code mini-test}. Each provider is tried once (no retries), so a fallback is immediate. One beta
 * flag is allowed, {@link #ALLOWED_BETA}.
 */
public final class GatewayFixture implements AutoCloseable {

  public static final String OPERATOR_KEY = "sk-operator-secret-4f1c9e";
  public static final String BACKUP_KEY = "sk-backup-secret-77a0d2";
  public static final ModelPrice CLAUDE_TEST =
      new ModelPrice("claude-test", 3_000_000, 300_000, 15_000_000);
  public static final ModelPrice EMB_TEST = new ModelPrice("emb-test", 100_000, 0, 0);

  /** The one {@code anthropic-beta} flag the gateway's operator allows. */
  public static final String ALLOWED_BETA = "token-efficient-tools-2025-02-19";

  public final FakeProvider primary = FakeProvider.start();
  public final FakeProvider backup = FakeProvider.start();
  private final String keys = MasterKeys.generateJwks("gateway-test");

  /** The gateway's settings: these providers, the alias, the vault's keys. */
  public GatewaySettings settings() {
    return new GatewaySettings(
        List.of(
            once(
                ProviderSettings.openAiCompatible(
                    "primary",
                    URI.create(primary.url()),
                    "primary-key",
                    List.of("gpt-test", "emb-test"))),
            once(
                ProviderSettings.anthropic(
                    "anthropic",
                    URI.create(primary.url()),
                    "anthropic-key",
                    List.of("claude-test"))),
            once(
                ProviderSettings.openAiCompatible(
                    "backup", URI.create(backup.url()), "backup-key", List.of("mini-test")))),
        GatewaySettings.parseAliases(List.of("smart=gpt-test>mini-test")),
        Optional.of(MasterKeys.parse(keys)),
        1000,
        32_768,
        Duration.ofSeconds(30),
        16L << 20,
        true,
        GatewaySettings.NONE.keyCacheTtl(),
        Set.of(ALLOWED_BETA),
        GatewaySettings.NONE.answerWait());
  }

  /** Seals the operator's provider keys into the vault {@code redis} holds. */
  public void sealKeys(RedisStore redis) {
    MasterKeys master = MasterKeys.parse(keys);
    VaultFixture.putOperatorKey(
        redis, master, "primary-key", OPERATOR_KEY, primary.url(), "authorization", "Bearer");
    VaultFixture.putOperatorKey(
        redis, master, "anthropic-key", OPERATOR_KEY, primary.url(), "x-api-key", "");
    VaultFixture.putOperatorKey(
        redis, master, "backup-key", BACKUP_KEY, backup.url(), "authorization", "Bearer");
  }

  /** Every model the providers serve, priced. */
  public static List<ModelPrice> prices() {
    return List.of(GovernorRig.GPT_TEST, GovernorRig.MINI_TEST, CLAUDE_TEST, EMB_TEST);
  }

  private static ProviderSettings once(ProviderSettings settings) {
    return settings
        .withTimeout(Duration.ofSeconds(5))
        .withRetries(0, Duration.ofMillis(1))
        .withBreaker(1000, Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    primary.close();
    backup.close();
  }
}
