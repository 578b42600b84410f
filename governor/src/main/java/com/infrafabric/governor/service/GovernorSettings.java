package com.infrafabric.governor.service;

import com.infrafabric.governor.budget.BudgetSettings;
import com.infrafabric.governor.events.WebhookSettings;
import com.infrafabric.platform.config.Config;
import com.infrafabric.platform.config.PlatformSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the governor service reads from its configuration, validated at start. Besides the
 * platform keys ({@link PlatformSettings}):
 *
 * <pre>
 * budget.defaultReservationTtl  IF_BUDGET_DEFAULT_RESERVATION_TTL  5m
 * budget.maxReservationTtl      IF_BUDGET_MAX_RESERVATION_TTL      24h
 * budget.idempotencyTtl         IF_BUDGET_IDEMPOTENCY_TTL          25h (at least 24h)
 * budget.sweepInterval          IF_BUDGET_SWEEP_INTERVAL           1s
 * redis.commandTimeout          IF_REDIS_COMMAND_TIMEOUT           1s (fail-closed bound)
 * webhooks.urls                 IF_WEBHOOKS_URLS                   (none: delivery off)
 * webhooks.secret               IF_WEBHOOKS_SECRET                 HMAC key, secret
 * webhooks.timeout              IF_WEBHOOKS_TIMEOUT                5s
 * webhooks.firstRetry           IF_WEBHOOKS_FIRST_RETRY            5s
 * webhooks.maxAttempts          IF_WEBHOOKS_MAX_ATTEMPTS           8
 * </pre>
 *
 * <p>and the keys of {@link GovernorKeys}.
 */
public record GovernorSettings(
    PlatformSettings platform,
    BudgetSettings budget,
    Duration sweepInterval,
    Duration redisCommandTimeout,
    WebhookSettings webhooks,
    GovernorKeys keys) {

  public static GovernorSettings from(Config config) {
    BudgetSettings defaults = BudgetSettings.DEFAULTS;
    return new GovernorSettings(
        PlatformSettings.from(config, "governor"),
        new BudgetSettings(
            config.duration("budget.defaultReservationTtl", defaults.defaultReservationTtl()),
            config.duration("budget.maxReservationTtl", defaults.maxReservationTtl()),
            config.duration("budget.idempotencyTtl", defaults.idempotencyTtl()),
            defaults.recordRetention()),
        config.duration("budget.sweepInterval", Duration.ofSeconds(1)),
        config.duration("redis.commandTimeout", Duration.ofSeconds(1)),
        new WebhookSettings(
            urls(config.list("webhooks.urls")),
            config.secret("webhooks.secret").orElse(null),
            config.duration("webhooks.timeout", WebhookSettings.NONE.timeout()),
            config.duration("webhooks.firstRetry", WebhookSettings.NONE.firstRetry()),
            (int)
                config.integer("webhooks.maxAttempts", WebhookSettings.NONE.maxAttempts(), 1, 100)),
        new GovernorKeys(
            Path.of(config.required("contracts.jwksFile")),
            config.required("contracts.issuer"),
            Path.of(config.required("grants.keyFile")),
            config.string("grants.issuer", GovernorKeys.DEFAULT_GRANT_ISSUER),
            config.string("grants.audience", GovernorKeys.DEFAULT_GRANT_AUDIENCE)));
  }

  private static List<URI> urls(List<String> values) {
    List<URI> urls = new ArrayList<>();
    for (String value : values) {
      try {
        urls.add(new URI(value));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("webhooks.urls entry " + value + " is not a URL");
      }
    }
    return urls;
  }
}
