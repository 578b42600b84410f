package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.CommandLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link MemoryUnderLoad}'s command line: {@code [--smoke] [--<option> <value>]...}, durations
 * written as the platform's configuration writes them ({@code 10m}, {@code 5s}). {@code --smoke}
 * runs seconds at a low rate, far shorter than any warm-up, to check that the harness works; its
 * verdict is always "run longer".
 *
 * @param ratePerSecond reserve + commit pairs offered per second, open loop
 * @param duration how long the load runs
 * @param sampleEvery time between two readings of the store
 * @param retention what the service keeps and for how long
 * @param out where to write the JSON results, if anywhere
 * @param smoke whether this is a smoke run, whose figures mean nothing
 */
record MemoryOptions(
    long ratePerSecond,
    Duration duration,
    Duration sampleEvery,
    Retention retention,
    Optional<Path> out,
    boolean smoke) {

  /** The full run's defaults, in the order {@code --help} lists them. */
  private static final Map<String, String> FULL = full();

  private static final Map<String, String> QUICK =
      Map.of("--rate", "50", "--duration", "3s", "--sample-every", "1s");

  /** Parses {@code args}; throws with a sentence naming the bad option. */
  static MemoryOptions parse(String... args) {
    Set<String> valued = new HashSet<>(FULL.keySet());
    valued.add(LoadOptions.OUT);
    Map<String, String> given =
        CommandLine.options(List.of(args), valued, Set.of(LoadOptions.SMOKE));
    boolean smoke = given.remove(LoadOptions.SMOKE) != null;
    Map<String, String> values = new LinkedHashMap<>(FULL);
    if (smoke) {
      values.putAll(QUICK);
    }
    values.putAll(given);
    return new MemoryOptions(
        CommandLine.wholeNumber("--rate", values.get("--rate"), 1, 100_000),
        duration(values, "--duration"),
        duration(values, "--sample-every"),
        new Retention(
            duration(values, "--idempotency-ttl"),
            duration(values, "--reservation-ttl"),
            duration(values, "--record-retention"),
            duration(values, "--archive-age"),
            duration(values, "--archive-interval")),
        Optional.ofNullable(values.get(LoadOptions.OUT)).map(Path::of),
        smoke);
  }

  /** The options and their full-run defaults. */
  static String usage() {
    StringBuilder usage = new StringBuilder("options (full-run default):\n");
    FULL.forEach(
        (key, value) -> usage.append("  ").append(key).append(' ').append(value).append('\n'));
    return usage
        .append("  " + LoadOptions.OUT + " <results.json>\n  ")
        .append(LoadOptions.SMOKE)
        .append('\n')
        .toString();
  }

  private static Map<String, String> full() {
    Map<String, String> full = new LinkedHashMap<>();
    full.put("--rate", "200");
    full.put("--duration", "10m");
    full.put("--sample-every", "10s");
    full.put("--idempotency-ttl", "1m");
    full.put("--reservation-ttl", "1m");
    full.put("--record-retention", "1m");
    full.put("--archive-age", "1m");
    full.put("--archive-interval", "5s");
    return Collections.unmodifiableMap(full);
  }

  private static Duration duration(Map<String, String> values, String key) {
    return CommandLine.duration(key, values.get(key), false);
  }
}
