package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.budget.BudgetGaugeSettings;
import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.governor.ledger.LedgerArchiveSettings;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.ratelimit.RateLimit;
import com.infrafabric.platform.ratelimit.RateLimitPolicy;
import com.infrafabric.platform.redis.RedisSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GovernorSettingsTest {

  private static final Map<String, String> REQUIRED =
      Map.of(
          "contracts.jwksFile", "/keys/contracts.json",
          "contracts.issuer", "operator",
          "grants.keyFile", "/keys/grants.json",
          "auth.jwksFile", "/keys/tokens.json",
          "auth.issuer", "issuer",
          "auth.audience", "governor");

  @Test
  void theClaimSettingsErrorsNameKeysTheGovernorReads() {
    Duration day = Duration.ofDays(1);
    String candidates = keyNamedBy(() -> new ClaimSettings(0, 8, day));
    String lazyBatch = keyNamedBy(() -> new ClaimSettings(8, -1, day));
    String taskRetention = keyNamedBy(() -> new ClaimSettings(8, 8, Duration.ZERO));

    ClaimSettings read =
        settings(Map.of(candidates, "32", lazyBatch, "0", taskRetention, "24h")).claims();

    assertThat(read).isEqualTo(new ClaimSettings(32, 0, day));
    assertThatThrownBy(() -> settings(Map.of(candidates, "0")))
        .hasMessage(candidates + " 0 is outside 1..256");
  }

  @Test
  void theScopeLimitIsReadAndBounded() {
    assertThat(settings(Map.of()).budget().maxScopes()).isEqualTo(10_000);
    assertThat(settings(Map.of("budget.maxScopes", "250")).budget().maxScopes()).isEqualTo(250);
    assertThatThrownBy(() -> settings(Map.of("budget.maxScopes", "0")))
        .hasMessageContaining("budget.maxScopes");
  }

  @Test
  void theTenantWriteQuotaIsReadAndBoundedByTheLargestCharge() {
    assertThat(settings(Map.of()).budget().tenantRecordsPerHour()).isEqualTo(3_600_000);
    assertThat(
            settings(Map.of("budget.tenantRecordsPerHour", "600")).budget().tenantRecordsPerHour())
        .isEqualTo(600);
    assertThatThrownBy(() -> settings(Map.of("budget.tenantRecordsPerHour", "12")))
        .hasMessage("budget.tenantRecordsPerHour 12 is outside 13..1000000000");
    assertThatThrownBy(() -> BudgetSettings.DEFAULTS.withTenantRecordsPerHour(12))
        .hasMessageStartingWith("budget.tenantRecordsPerHour 12 is outside 13..1000000000");
  }

  /**
   * Regression: a default reservation TTL above the maximum started, then refused every reservation
   * that named no TTL as if its own ttl_seconds were out of range.
   */
  @Test
  void theDefaultReservationTtlMustLieWithinTheMaximum() {
    assertThatThrownBy(() -> settings(Map.of("budget.defaultReservationTtl", "48h")))
        .hasMessageStartingWith("budget.defaultReservationTtl PT48H is outside");
    assertThat(
            settings(
                    Map.of(
                        "budget.defaultReservationTtl", "48h", "budget.maxReservationTtl", "48h"))
                .budget()
                .defaultReservationTtl())
        .hasHours(48);
  }

  /**
   * Regression: the per-role buckets existed only in the example configuration, so a launch with no
   * config file (and the Compose service, whose only setting is REDIS_URL) gave the chassis and
   * every agent the 100-a-minute default: one tenant's LLM calls spent the chassis's one small
   * bucket and another tenant's were refused. They are the governor's defaults now, and naming one
   * more role keeps them.
   */
  @Test
  void theChassisAndAgentRolesHaveTheirDocumentedBucketsWithoutAConfigFile() {
    RateLimitPolicy unset = settings(Map.of()).platform().rateLimits();
    RateLimitPolicy moreRoles =
        settings(Map.of("ratelimit.roles", "admin", "ratelimit.role.admin.capacity", "50"))
            .platform()
            .rateLimits();

    assertThat(unset).isEqualTo(GovernorSettings.RATE_LIMITS);
    assertThat(unset.perRole().get("chassis")).isEqualTo(RateLimit.perMinute(600_000));
    assertThat(unset.perRole().get("agent")).isEqualTo(RateLimit.perMinute(6_000));
    assertThat(moreRoles.perRole())
        .containsEntry("chassis", RateLimit.perMinute(600_000))
        .containsEntry("agent", RateLimit.perMinute(6_000))
        .containsEntry("admin", RateLimit.perMinute(50));
  }

  @Test
  void redisPersistenceIsAppendOnlyUnlessOptedOut() {
    assertThat(settings(Map.of()).redisPersistence())
        .isEqualTo(RedisSettings.Persistence.APPEND_ONLY);
    assertThat(settings(Map.of("redis.persistence", "none")).redisPersistence())
        .isEqualTo(RedisSettings.Persistence.NONE);
    assertThatThrownBy(() -> settings(Map.of("redis.persistence", "rdb")))
        .hasMessage("redis.persistence must be append-only or none, not rdb");
  }

  @Test
  void claimSettingsDefaultWhenUnset() {
    assertThat(settings(Map.of()).claims()).isEqualTo(ClaimSettings.DEFAULTS);
  }

  @Test
  void ledgerArchivingIsOffUntilADirectoryIsNamedAndItsBoundsAreChecked() {
    assertThat(settings(Map.of()).ledgerArchive()).isEqualTo(LedgerArchiveSettings.OFF);

    LedgerArchiveSettings read =
        settings(
                Map.of(
                    "ledger.archive.directory", "/var/lib/infrafabric/ledger",
                    "ledger.archive.age", "24h",
                    "ledger.archive.interval", "30s"))
            .ledgerArchive();

    assertThat(read)
        .isEqualTo(
            new LedgerArchiveSettings(
                Optional.of(Path.of("/var/lib/infrafabric/ledger")),
                Duration.ofHours(24),
                Duration.ofSeconds(30)));
    assertThatThrownBy(() -> settings(Map.of("ledger.archive.age", "30s")))
        .hasMessage("ledger.archive.age PT30S is shorter than the minimum of 1 minute");
  }

  @Test
  void theRetentionOfFinishedReservationsIsASetting() {
    assertThat(settings(Map.of("budget.recordRetention", "2h")).budget().recordRetention())
        .isEqualTo(Duration.ofHours(2));
    assertThat(settings(Map.of()).budget().recordRetention())
        .isEqualTo(BudgetSettings.DEFAULTS.recordRetention());
  }

  @Test
  void theBudgetGaugeSettingsAreReadAndTheirErrorsNameTheirKeys() {
    String maxSeries = keyNamedBy(() -> new BudgetGaugeSettings(-1, Duration.ofSeconds(30)));
    String interval = keyNamedBy(() -> new BudgetGaugeSettings(10, Duration.ZERO));

    BudgetGaugeSettings read = settings(Map.of(maxSeries, "0", interval, "5s")).budgetGauges();

    assertThat(read).isEqualTo(new BudgetGaugeSettings(0, Duration.ofSeconds(5)));
    assertThat(settings(Map.of()).budgetGauges()).isEqualTo(BudgetGaugeSettings.DEFAULTS);
    assertThatThrownBy(() -> settings(Map.of(maxSeries, "10001"))).hasMessageContaining(maxSeries);
    assertThatThrownBy(() -> settings(Map.of(interval, "500ms"))).hasMessageContaining(interval);
  }

  @Test
  void theKeyCacheTtlDefaultsToHalfASecondAndCannotPassOneSecond() {
    assertThat(settings(Map.of()).gateway().keyCacheTtl()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings(Map.of("gateway.keyCacheTtl", "0ms")).gateway().keyCacheTtl()).isZero();
    assertThat(settings(Map.of("gateway.keyCacheTtl", "1s")).gateway().keyCacheTtl())
        .isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> settings(Map.of("gateway.keyCacheTtl", "1001ms")))
        .hasMessage("gateway.keyCacheTtl 1001 ms is outside 0..1000 ms");
  }

  @Test
  void noAnthropicBetaFlagIsAllowedUntilTheOperatorNamesIt() {
    String key = "gateway.anthropic.allowedBetas";

    assertThat(settings(Map.of()).gateway().allowedAnthropicBetas()).isEmpty();
    assertThat(settings(Map.of(key, "a-1, b-2")).gateway().allowedAnthropicBetas())
        .containsExactlyInAnyOrder("a-1", "b-2");
    assertThatThrownBy(() -> settings(Map.of(key, "a 1")))
        .hasMessageStartingWith(key + " entry a 1 must match ");
  }

  private static String keyNamedBy(Runnable invalid) {
    try {
      invalid.run();
    } catch (IllegalArgumentException e) {
      return e.getMessage().split(" ", 2)[0];
    }
    throw new AssertionError("the settings were accepted");
  }

  private static GovernorSettings settings(Map<String, String> values) {
    Map<String, String> all = new HashMap<>(REQUIRED);
    all.putAll(values);
    Config config = Config.of(all, Map.of());
    GovernorSettings settings = GovernorSettings.from(config);
    config.rejectUnknownKeys(Set.of());
    return settings;
  }
}
