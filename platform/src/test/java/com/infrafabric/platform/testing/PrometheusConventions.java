package com.infrafabric.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.metrics.ServiceMeters;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
      // Label values may hold spaces ("end of minor GC"): the series ends at the last brace.
      if (line.contains("_bucket{")) {
        String series = line.substring(0, line.lastIndexOf('}') + 1);
        bucketsPerSeries.merge(LE.matcher(series).replaceAll(""), 1, Integer::sum);
      }
    }
    bucketsPerSeries.forEach(
        (series, buckets) ->
            soft.assertThat(buckets)
                .as("buckets of " + series)
                .isEqualTo(ServiceMeters.LATENCY_BUCKETS.length + 1));
    soft.assertAll();
    assertThat(scrape)
        .contains(
            "jvm_memory_used_bytes",
            "process_cpu_usage",
            "process_cpu_seconds_total",
            "process_uptime_seconds");
    assertThat(promtoolLint(scrape)).as("promtool check metrics").isEmpty();
  }

  /**
   * What Prometheus's own linter ({@code promtool check metrics}, Debian's {@code prometheus}, a
   * listed prerequisite) says of {@code scrape}: empty when it finds nothing.
   */
  private static String promtoolLint(String scrape) {
    try {
      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
      try (OutputStream in = promtool.getOutputStream()) {
        in.write(scrape.getBytes(StandardCharsets.UTF_8));
      }
      String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return promtool.exitValue() == 0
          ? ""
          : said.isBlank() ? "exit " + promtool.exitValue() : said;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
