package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.service.ChassisSettings;
import com.infrafabric.governor.service.GovernorSettings;
import com.infrafabric.platform.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example configuration shipped in the distribution is complete and valid, key for key. */
class ExampleConfigTest {

  private static final Path EXAMPLE = Path.of("src/main/dist/config/infrafabric.properties");

  @TempDir Path directory;

  @Test
  void everyKeyOfTheExampleIsKnownAndValid() {
    Config config =
        Config.load(EXAMPLE, Map.of()).withDefaults(LocalKeys.ensure(directory).defaults(Map.of()));

    GovernorSettings governor = GovernorSettings.from(config);
    ChassisSettings chassis = ChassisSettings.from(config);
    config.rejectUnknownKeys(Set.of());

    assertThat(governor.platform().http().port()).isEqualTo(8080);
    assertThat(chassis.platform().http().port()).isEqualTo(8081);
    assertThat(chassis.maxRegistrationBytes())
        .isEqualTo(ChassisSettings.registrationBodyBytes(8 << 20));
    assertThat(chassis.platform().http().maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(chassis.platform().rateLimits().perRole().get("agent").capacity()).isEqualTo(1200);
    assertThat(chassis.operator().grantVerification().orElseThrow().issuer())
        .isEqualTo("infrafabric-governor");
    assertThat(chassis.masterKeys()).isPresent();
    assertThat(chassis.operator().llmMaxCallsCap()).isEqualTo(20);
  }

  /**
   * Regression: the per-role buckets were defined only in this example, so a launch without it gave
   * the chassis and agents the default bucket. The example now shows the code's defaults as
   * comments; set, they must change nothing.
   */
  @Test
  void theRateLimitsTheExampleShowsAreTheCodeDefaults() throws IOException {
    Map<String, String> shown = new HashMap<>();
    for (String line : Files.readAllLines(EXAMPLE)) {
      Matcher setting = SHOWN_RATE_LIMIT.matcher(line);
      if (setting.matches()) {
        shown.put(setting.group(1), setting.group(2));
      }
    }
    Config config =
        Config.of(shown, Map.of()).withDefaults(LocalKeys.ensure(directory).defaults(Map.of()));

    assertThat(shown).hasSize(10);
    assertThat(GovernorSettings.from(config).platform().rateLimits())
        .isEqualTo(GovernorSettings.RATE_LIMITS);
    assertThat(ChassisSettings.from(config).platform().rateLimits())
        .isEqualTo(ChassisSettings.RATE_LIMITS);
  }

  private static final Pattern SHOWN_RATE_LIMIT =
      Pattern.compile("# ((?:chassis\\.)?ratelimit\\.[\\w.]+)=(\\S+)");

  @Test
  void aLocalLaunchArchivesTheLedgerIntoItsDataDirectory() {
    // Without a directory the stream keeps every entry for good (the probe: archiving was off).
    GovernorSettings governor =
        GovernorSettings.from(
            Config.of(Map.of(), Map.of())
                .withDefaults(LocalKeys.ensure(directory).defaults(Map.of())));

    assertThat(governor.ledgerArchive().directory()).contains(directory.resolve("ledger-archive"));
  }
}
