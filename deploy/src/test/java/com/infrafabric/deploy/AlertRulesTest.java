package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules are valid and do what their unit tests say: each fires on its condition
 * and stays silent on its look-alike ({@code promtool test rules}, Debian's {@code prometheus}).
 */
class AlertRulesTest {

  @Test
  void theRulesAreValid() throws Exception {
    assertPromtool("check", "rules", ObservabilityAssets.ALERTS.toString());
  }

  @Test
  void eachAlertFiresOnItsConditionAndNotOnItsLookAlike() throws Exception {
    assertPromtool("test", "rules", "src/test/prometheus/alerts_test.yml");
  }

  private static void assertPromtool(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "promtool";
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
