package com.infrafabric.governor.service;

import com.infrafabric.governor.budget.BudgetGaugeSettings;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.budget.CallLimits;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.governor.gateway.GatewaySettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import com.infrafabric.governor.tenant.RecordCharge;
import com.infrafabric.governor.tenant.TokenUsage;
import com.infrafabric.llm.ProviderSettingsReader;
import com.infrafabric.llm.vault.MasterKeysReader;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.PlatformSettings;
import com.infrafabric.platform.config.ShownUrl;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.redis.RedisSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the governor service reads from its configuration, validated at start. Besides the
 * platform keys ({@link PlatformSettings}):
 *
 * <pre>
 * budget.defaultReservationTtl  IF_BUDGET_DEFAULT_RESERVATION_TTL  5m
 * budget.maxReservationTtl      IF_BUDGET_MAX_RESERVATION_TTL      24h
 * budget.idempotencyTtl         IF_BUDGET_IDEMPOTENCY_TTL          25h (at least 24h)
 * budget.recordRetention        IF_BUDGET_RECORD_RETENTION         48h
 * budget.sweepInterval          IF_BUDGET_SWEEP_INTERVAL           1s (100ms..1h)
 * budget.maxCallMicros          IF_BUDGET_MAX_CALL_MICROS          1000000000 (1..8589934591)
 * budget.maxCallTokens          IF_BUDGET_MAX_CALL_TOKENS          100000000 (1..1000000000)
 * budget.maxScopes              IF_BUDGET_MAX_SCOPES               10000 (1..10000000) per tenant
 * budget.tenantRecordsPerHour   IF_BUDGET_TENANT_RECORDS_PER_HOUR  3600000 (12..1000000000)
 * claim.candidatesPerCapability IF_CLAIM_CANDIDATES_PER_CAPABILITY 8 (1..256)
 * claim.lazyBatch               IF_CLAIM_LAZY_BATCH                8 (0..100)
 * claim.taskRetention           IF_CLAIM_TASK_RETENTION            48h
 * redis.commandTimeout          IF_REDIS_COMMAND_TIMEOUT           1s (fail-closed bound)
 * redis.durability              IF_REDIS_DURABILITY                acknowledged (or replicated)
 * redis.persistence             IF_REDIS_PERSISTENCE               append-only (or none)
 * webhooks.urls                 IF_WEBHOOKS_URLS                   (none: delivery off)
 * webhooks.secret               IF_WEBHOOKS_SECRET                 HMAC key, secret
 * webhooks.timeout              IF_WEBHOOKS_TIMEOUT                5s
 * webhooks.firstRetry           IF_WEBHOOKS_FIRST_RETRY            5s
 * webhooks.maxAttempts          IF_WEBHOOKS_MAX_ATTEMPTS           8
 * ledger.archive.directory      IF_LEDGER_ARCHIVE_DIRECTORY        (none: archiving off)
 * ledger.archive.age            IF_LEDGER_ARCHIVE_AGE              168h (at least 1m)
 * ledger.archive.interval       IF_LEDGER_ARCHIVE_INTERVAL         1m (at least 1s)
 * metrics.budgetGauges.maxSeries IF_METRICS_BUDGET_GAUGES_MAX_SERIES 1000 (0..10000; 0: off)
 * metrics.budgetGauges.interval IF_METRICS_BUDGET_GAUGES_INTERVAL   30s (at least 1s)
 * gateway.llm.*                 the gateway's providers, as ProviderSettingsReader reads them
 * gateway.aliases               IF_GATEWAY_ALIASES                 alias=model>fallback,...
 * gateway.vault.masterKeysFile  IF_GATEWAY_VAULT_MASTER_KEYS_FILE  the vault's master keys
 * gateway.defaultMaxOutputTokens                                   4096
 * gateway.maxOutputTokens                                          32768
 * gateway.maxStreamDuration                                        10m
 * gateway.maxAnswerBytes                                           16777216
 * gateway.applyDowngrades                                          true
 * gateway.keyCacheTtl                                              500ms (0..1s; 0: no cache)
 * gateway.anthropic.allowedBetas                                   (none: no beta flag served)
 * gateway.answerWait                                               3s (0..30s)
 * </pre>
 *
 * <p>and those of {@link TrustSettings}. The governor's one reader of its configuration: every
 * other settings type is built here, and governor/README.md lists every key.
 */
public record GovernorSettings(
    PlatformSettings platform,
    BudgetSettings budget,
    ClaimSettings claims,
    Duration sweepInterval,
    Duration redisCommandTimeout,
    RedisSettings.Durability redisDurability,
    RedisSettings.Persistence redisPersistence,
    WebhookSettings webhooks,
    TrustSettings trust,
    LedgerArchiveSettings ledgerArchive,
    BudgetGaugeSettings budgetGauges,
    GatewaySettings gateway) {

  /**
   * The governor's rate-limit buckets, per token subject, when no key changes them: 600 requests a
   * minute by default, 6,000 for an {@code agent} (an agent reserves and commits for each model
   * call) and 600,000 for the {@code chassis}, which reserves every tenant's LLM calls under its
   * own token: its bucket is above what a node serves, so one tenant's calls never spend another's.
   */
  public static final RateLimitPolicy RATE_LIMITS =
      new RateLimitPolicy(
          "governor",
          RateLimit.perMinute(600),
          Map.of("agent", RateLimit.perMinute(6_000), "chassis", RateLimit.perMinute(600_000)));

  public static GovernorSettings from(Config config) {
    BudgetSettings defaults = BudgetSettings.DEFAULTS;
    return new GovernorSettings(
        PlatformSettings.from(config, RATE_LIMITS),
        new BudgetSettings(
            config.duration("budget.defaultReservationTtl", defaults.defaultReservationTtl()),
            config.duration("budget.maxReservationTtl", defaults.maxReservationTtl()),
            config.duration("budget.idempotencyTtl", defaults.idempotencyTtl()),
            config.duration("budget.recordRetention", defaults.recordRetention()),
            callLimits(config),
            config.integer(
                "budget.maxScopes", defaults.maxScopes(), 1, BudgetSettings.MAX_SCOPES_CEILING),
            config.integer(
                "budget.tenantRecordsPerHour",
                defaults.tenantRecordsPerHour(),
                RecordCharge.largest(),
                BudgetSettings.RECORDS_PER_HOUR_CEILING)),
        claims(config),
        config.duration(
            "budget.sweepInterval",
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            Duration.ofHours(1)),
        config.duration("redis.commandTimeout", Duration.ofSeconds(1)),
        RedisSettings.Durability.parse(config.string("redis.durability", "acknowledged")),
        RedisSettings.Persistence.parse(config.string("redis.persistence", "append-only")),
        new WebhookSettings(
            urls(config.list("webhooks.urls")),
            config.secret("webhooks.secret").orElse(null),
            config.duration("webhooks.timeout", WebhookSettings.NONE.timeout()),
            config.duration("webhooks.firstRetry", WebhookSettings.NONE.firstRetry()),
            (int)
                config.integer("webhooks.maxAttempts", WebhookSettings.NONE.maxAttempts(), 1, 100)),
        new TrustSettings(
            Path.of(config.required("contracts.jwksFile")),
            config.required("contracts.issuer"),
            Path.of(config.required("grants.keyFile")),
            config.string("grants.issuer", TrustSettings.DEFAULT_GRANT_ISSUER),
            config.string("grants.audience", TrustSettings.DEFAULT_GRANT_AUDIENCE)),
        new LedgerArchiveSettings(
            config.optional("ledger.archive.directory").map(Path::of),
            config.duration("ledger.archive.age", LedgerArchiveSettings.OFF.age()),
            config.duration("ledger.archive.interval", LedgerArchiveSettings.OFF.interval())),
        new BudgetGaugeSettings(
            (int)
                config.integer(
                    "metrics.budgetGauges.maxSeries",
                    BudgetGaugeSettings.DEFAULTS.maxSeries(),
                    0,
                    BudgetGaugeSettings.MAX_SERIES),
            config.duration(
                "metrics.budgetGauges.interval", BudgetGaugeSettings.DEFAULTS.interval())),
        gateway(config));
  }

  /** The most one call may reserve, commit or charge. */
  private static CallLimits callLimits(Config config) {
    CallLimits defaults = CallLimits.DEFAULTS;
    return new CallLimits(
        config.integer(
            CallLimits.MAX_MICROS_KEY, defaults.maxMicros(), 1, CallLimits.MAX_MICROS_CEILING),
        config.integer(CallLimits.MAX_TOKENS_KEY, defaults.maxTokens(), 1, TokenUsage.MAX_TOKENS));
  }

  /** The LLM gateway: its providers, aliases, vault and bounds. */
  private static GatewaySettings gateway(Config config) {
    GatewaySettings defaults = GatewaySettings.NONE;
    return new GatewaySettings(
        ProviderSettingsReader.providers(config, "gateway.llm."),
        GatewaySettings.parseAliases(config.list("gateway.aliases")),
        MasterKeysReader.read(config, "gateway.vault."),
        config.integer(
            "gateway.defaultMaxOutputTokens", defaults.defaultMaxOutputTokens(), 1, Long.MAX_VALUE),
        config.integer("gateway.maxOutputTokens", defaults.maxOutputTokens(), 1, Long.MAX_VALUE),
        config.duration("gateway.maxStreamDuration", defaults.maxStreamDuration()),
        config.integer("gateway.maxAnswerBytes", defaults.maxAnswerBytes(), 1, Long.MAX_VALUE),
        config.bool("gateway.applyDowngrades", defaults.applyDowngrades()),
        config.duration("gateway.keyCacheTtl", defaults.keyCacheTtl()),
        Set.copyOf(config.list("gateway.anthropic.allowedBetas")),
        config.duration("gateway.answerWait", defaults.answerWait()));
  }

  /**
   * The claim path's bounds; out-of-range values fail with ClaimSettings' message naming the key.
   */
  private static ClaimSettings claims(Config config) {
    ClaimSettings defaults = ClaimSettings.DEFAULTS;
    return new ClaimSettings(
        (int)
            config.integer(
                "claim.candidatesPerCapability",
                defaults.candidatesPerCapability(),
                Integer.MIN_VALUE,
                Integer.MAX_VALUE),
        (int)
            config.integer(
                "claim.lazyBatch", defaults.lazyBatch(), Integer.MIN_VALUE, Integer.MAX_VALUE),
        config.duration("claim.taskRetention", defaults.taskRetention()));
  }

  private static List<URI> urls(List<String> values) {
    List<URI> urls = new ArrayList<>();
    for (String value : values) {
      try {
        urls.add(new URI(value));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("a webhooks.urls entry is " + ShownUrl.of(value));
      }
    }
    return urls;
  }
}
