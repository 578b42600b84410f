package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.metrics.ServiceMeters;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;

/**
 * What a scrape of either service must look like to a Prometheus user: every family explains itself
 * in its {@code HELP} line, durations are in seconds, every histogram series has the shared SLO
 * buckets and no more, and the whole scrape stays small.
 */
public final class PrometheusConventions {

  private static final Pattern HELP = Pattern.compile("^# HELP (\\S+) ?(.*)$");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$");
  private static final Pattern LE = Pattern.compile(",?le=\"[^\"]*\"");

  private PrometheusConventions() {}

  /** Checks {@code scrape}; {@code maxBytes} bounds its size. */
  public static void assertConventional(String scrape, int maxBytes) {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(scrape.getBytes(StandardCharsets.UTF_8).length)
        .as("scrape size in bytes")
        .isLessThanOrEqualTo(maxBytes);
    Map<String, Integer> bucketsPerSeries = new HashMap<>();
    for (String line : scrape.split("\n")) {
      Matcher help = HELP.matcher(line);
      if (help.matches()) {
        soft.assertThat(help.group(2).strip()).as("HELP of " + help.group(1)).isNotEmpty();
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches() && type.group(2).equals("histogram")) {
        soft.assertThat(type.group(1)).as("a histogram's unit").endsWith("_seconds");
        continue;
      }
      String name = line.substring(0, Math.max(0, line.indexOf(' ')));
      if (name.contains("_bucket{")) {
        bucketsPerSeries.merge(LE.matcher(name).replaceAll(""), 1, Integer::sum);
      }
    }
    bucketsPerSeries.forEach(
        (series, buckets) ->
            soft.assertThat(buckets)
                .as("buckets of " + series)
                .isEqualTo(ServiceMeters.LATENCY_BUCKETS.length + 1));
    soft.assertAll();
    assertThat(scrape)
        .contains("jvm_memory_used_bytes", "process_cpu_usage", "process_uptime_seconds");
  }
}
