package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped alert rules and Grafana dashboard against what the services really export: every
 * metric a rule or a panel queries must be a sample name in a scrape, or the alert can never fire
 * and the panel stays empty.
 */
final class ObservabilityAssets {

  static final Path ALERTS = Path.of("src/main/dist/prometheus/alerts.yml");
  static final Path DASHBOARD = Path.of("src/main/dist/grafana/infrafabric-dashboard.json");

  /** Names of our own families and the JVM's; Prometheus's own {@code up} is not exported. */
  private static final Pattern METRIC =
      Pattern.compile(
          "\\b((?:service|http|redis|governor|chassis|ratelimit|jvm|process)_[a-z0-9_]+)");

  private ObservabilityAssets() {}

  /** Every metric the alert rules and the dashboard name. */
  static Set<String> queried() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(ALERTS)) {
      String expr = line.strip();
      if (!expr.startsWith("summary:") && !expr.startsWith("#")) {
        collect(expr, names);
      }
    }
    new JsonObject(Files.readString(DASHBOARD))
        .getJsonArray("panels")
        .forEach(
            panel ->
                ((JsonObject) panel)
                    .getJsonArray("targets")
                    .forEach(target -> collect(((JsonObject) target).getString("expr"), names)));
    return names;
  }

  /** Asserts each queried metric is a sample name in one of {@code scrapes}. */
  static void assertAllExported(Collection<String> scrapes) throws IOException {
    Set<String> exported = new TreeSet<>();
    for (String scrape : scrapes) {
      scrape
          .lines()
          .filter(line -> !line.startsWith("#") && !line.isBlank())
          .map(line -> line.split("[{ ]", 2)[0])
          .forEach(exported::add);
    }
    Set<String> queried = queried();
    assertThat(queried).as("metrics the rules and panels query").isNotEmpty();
    assertThat(exported).as("sample names the services export").containsAll(queried);
  }

  private static void collect(String expr, Set<String> names) {
    Matcher matcher = METRIC.matcher(expr);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
  }
}
