package com.infrafabric.sandbox;

import com.infrafabric.chassis.OperatorConfig;
import com.infrafabric.chassis.testing.TestChassis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * What every attack case shares: after each case, whatever it asserted about the attack itself, the
 * host must still be healthy (a normal tool succeeds, no admission slot or memory reservation is
 * left). Subclasses start their own chassis on their own Redis in {@code @BeforeAll}.
 */
@Timeout(60)
abstract class EscapeTest {

  static TestChassis host;

  @AfterEach
  void hostIsStillHealthy() {
    host.assertHealthy();
  }

  /** Small, fast settings: two guest threads, a short watchdog interval. */
  static void testSandbox(OperatorConfig.Builder config) {
    config.sandbox(
        new OperatorConfig.SandboxSettings(
            2, 8, 64L << 20, 1L << 20, Duration.ofMillis(2), Duration.ofSeconds(1)));
  }
}
