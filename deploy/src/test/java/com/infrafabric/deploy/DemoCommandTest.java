package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.PrometheusConventions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The main job, as the README's first command runs it, with its invariants as the verdict. */
class DemoCommandTest {

  @Test
  @Timeout(300)
  void theEndToEndScenarioHoldsEveryInvariant() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("REDIS_URL");

    Map<String, String> scrapes = new HashMap<>();
    int status =
        new DemoCommand(env, Clock.systemUTC())
            .run(new PrintStream(printed, true, StandardCharsets.UTF_8), scrapes::putAll);

    String summary = printed.toString(StandardCharsets.UTF_8);
    assertThat(summary).contains("== InfraFabric end-to-end demo ==").doesNotContain("FAIL ");
    assertThat(status).as(summary).isZero();
    assertThat(summary).contains("All invariants hold.").contains("an MCP client listed");
    assertThat(summary).contains("Metrics scraped after the demo: governor");
    for (String scrape : scrapes.values()) {
      PrometheusConventions.assertConventional(scrape, 96 * 1024);
    }
    ObservabilityAssets.assertAllExported(scrapes.values());
    assertThat(summary)
        .as("latency is measured like a benchmark and labelled as this machine's")
        .contains("a measurement on this machine", "taken after the tool runs and apart from them")
        .containsPattern("claim +p50 .* p99\\.9 .*\\(n=1000\\) +p99 (under|OVER) the 10 ms line")
        .containsPattern(
            "reserve\\+commit +p50 .* p99\\.9 .*\\(n=1000\\) +p99 (under|OVER) the 10 ms line");
  }
}
