package com.infrafabric.benchmarks.load;

import com.infrafabric.platform.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
    boolean smoke = false;
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(LoadOptions.SMOKE)) {
        smoke = true;
      } else if (FULL.containsKey(args[i]) || args[i].equals("--out")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        given.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Map<String, String> values = new LinkedHashMap<>(FULL);
    if (smoke) {
      values.putAll(QUICK);
    }
    values.putAll(given);
    return new MemoryOptions(
        rate(values.get("--rate")),
        positive(values, "--duration"),
        positive(values, "--sample-every"),
        new Retention(
            positive(values, "--idempotency-ttl"),
            positive(values, "--reservation-ttl"),
            positive(values, "--record-retention"),
            positive(values, "--archive-age"),
            positive(values, "--archive-interval")),
        Optional.ofNullable(values.get("--out")).map(Path::of),
        smoke);
  }

  /** The options and their full-run defaults. */
  static String usage() {
    StringBuilder usage = new StringBuilder("options (full-run default):\n");
    FULL.forEach(
        (key, value) -> usage.append("  ").append(key).append(' ').append(value).append('\n'));
    return usage
        .append("  --out <results.json>\n  ")
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

  private static long rate(String text) {
    try {
      long rate = Long.parseLong(text);
      if (rate >= 1 && rate <= 100_000) {
        return rate;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--rate " + text + " is not a whole number");
    }
    throw new IllegalArgumentException("--rate " + text + " is outside 1..100000");
  }

  private static Duration positive(Map<String, String> values, String key) {
    Duration value = Durations.parse(key, values.get(key));
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " " + values.get(key) + " must be positive");
    }
    return value;
  }
}
