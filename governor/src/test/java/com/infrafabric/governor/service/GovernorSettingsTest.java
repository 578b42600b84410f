package com.infrafabric.governor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.governor.budget.BudgetGaugeSettings;
import com.infrafabric.governor.claim.ClaimSettings;
import com.infrafabric.platform.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
    String candidates = keyNamedBy(() -> new ClaimSettings(0, 8));
    String lazyBatch = keyNamedBy(() -> new ClaimSettings(8, -1));

    ClaimSettings read = settings(Map.of(candidates, "32", lazyBatch, "0")).claims();

    assertThat(read).isEqualTo(new ClaimSettings(32, 0));
    assertThatThrownBy(() -> settings(Map.of(candidates, "0")))
        .hasMessage(candidates + " 0 is outside 1..256");
  }

  @Test
  void claimSettingsDefaultWhenUnset() {
    assertThat(settings(Map.of()).claims()).isEqualTo(ClaimSettings.DEFAULTS);
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
    config.rejectUnknownKeys();
    return settings;
  }
}
