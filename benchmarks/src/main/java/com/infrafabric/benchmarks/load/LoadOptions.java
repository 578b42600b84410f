package com.infrafabric.benchmarks.load;

import com.infrafabric.benchmarks.CommandLine;
import com.infrafabric.platform.http.AdmissionSettings;
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
 * The harness' command line: {@code [--smoke] [--<option> <value>]...}. Durations are written as
 * the platform's configuration writes them ({@code 500ms}, {@code 5s}, {@code 1m}). {@code --smoke}
 * picks short defaults for a run of a few seconds whose figures mean nothing; options given
 * explicitly override either set of defaults.
 *
 * @param warmup unmeasured load before each of the raw, half-rate and max-rate phases
 * @param duration measured time of each of those phases
 * @param stepWarmup unmeasured load before each step of the rate search
 * @param step measured time of each step of the rate search
 * @param searchWarmup load before the rate search's first step (and before the claim path's sweep,
 *     and, when {@code --max-rate} gives the rate, the measured phases, open loop at that rate),
 *     closed loop at a few operations in flight: the first step then meets JIT-compiled code and a
 *     Redis that has served the path, rather than a cold start that looks like overload. 30 s by
 *     default: on a shared two-core machine 10 s of it still ran 26-117 pairs/s with p99 near a
 *     second, where the same path at the same concurrency runs some 700 pairs/s once compiled
 * @param refinements bisections of the bracket the search found
 * @param maxRate when positive, no search: the later phases take this as the maximum sustainable
 *     rate (to profile at a known rate, or to get the curve on a machine too busy for any step to
 *     be sustainable); 0 searches
 * @param rawConcurrency raw script pairs in flight in the baseline
 * @param connections HTTP connections the client keeps open (keep-alive, no pipelining); by default
 *     more than the service's admission ceiling, so that past saturation requests queue in the
 *     service, which can shed them, rather than in the client's pool, which it cannot see
 * @param maxOutstanding operations in flight beyond which the open loop drops
 * @param admissionMaxLimit the service's admission ceiling ({@code http.admission.maxLimit})
 * @param admissionMinLimit the service's admission floor ({@code http.admission.minLimit}), at most
 *     the ceiling, to compare floors on one machine; 0: the default floor, lowered to the ceiling
 *     if above it
 * @param p99Bound the loosest p99 a sustainable step may have (see {@link Sustainability})
 * @param claimAgents agents registered before the claim path's phases
 * @param out where to write the JSON results, if anywhere
 * @param smoke whether this is a smoke run, whose figures mean nothing
 */
record LoadOptions(
    Duration warmup,
    Duration duration,
    Duration stepWarmup,
    Duration step,
    Duration searchWarmup,
    int refinements,
    long maxRate,
    int rawConcurrency,
    int connections,
    int maxOutstanding,
    int admissionMaxLimit,
    int admissionMinLimit,
    Duration p99Bound,
    int claimAgents,
    Optional<Path> out,
    boolean smoke) {

  static final String SMOKE = "--smoke";

  /** The option naming the results file. */
  static final String OUT = "--out";

  /**
   * Connections the client opens at most: four times the default admission ceiling, so that at
   * twice the sustainable rate the service, not the client's pool, holds the excess and sheds it.
   */
  static final int CONNECTIONS = 4 * AdmissionSettings.defaults().maxLimit();

  /** A step that completes less than this share of its offered rate fell behind. */
  static final double MIN_ACHIEVED_FRACTION = 0.95;

  private static final Map<String, String> FULL =
      defaults("5s", "20s", "1s", "5s", "30s", "3", "50ms", "10000");

  /** Short phases, a p99 bound no machine misses and few agents: it checks that all runs. */
  private static final Map<String, String> QUICK =
      defaults("200ms", "1s", "200ms", "500ms", "200ms", "1", "5s", "100");

  /** Offered rates of the sweep, as multiples of the maximum sustainable rate. */
  private static final List<Double> FULL_SWEEP = List.of(0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0);

  private static final List<Double> QUICK_SWEEP = List.of(0.5, 2.0);

  /**
   * The options of a harness's command line: empty after printing the usage for {@code --help}; a
   * bad option, or one of the {@code unused} options the harness has no use for, prints its
   * sentence and the usage and exits with status 2.
   */
  static Optional<LoadOptions> fromCommandLine(Set<String> unused, String... args) {
    return CommandLine.parse(
        usage(), args, arguments -> parse(unused, arguments.toArray(String[]::new)));
  }

  /** Parses {@code args} for a harness that uses every option. */
  static LoadOptions parse(String... args) {
    return parse(Set.of(), args);
  }

  /**
   * Parses {@code args}; throws with a sentence naming the bad option, or one of the {@code unused}
   * options the calling harness has no use for (so a run never looks as if it honoured it).
   */
  static LoadOptions parse(Set<String> unused, String... args) {
    Set<String> valued = new HashSet<>(FULL.keySet());
    valued.add(OUT);
    Map<String, String> values = CommandLine.options(List.of(args), valued, Set.of(SMOKE));
    for (String option : values.keySet()) {
      if (unused.contains(option)) {
        throw new IllegalArgumentException(option + " is not used by this harness");
      }
    }
    boolean smoke = values.remove(SMOKE) != null;
    Map<String, String> chosen = new LinkedHashMap<>(smoke ? QUICK : FULL);
    chosen.putAll(values);
    return of(chosen, smoke);
  }

  /**
   * The service's admission limit: its defaults, with {@code --admission-max-limit} as the ceiling
   * (the start and the floor come down to it if they were above) and {@code --admission-min-limit}
   * as the floor (the start comes up to it if it was below).
   */
  AdmissionSettings admission() {
    AdmissionSettings limit = AdmissionSettings.defaults().withMaxLimit(admissionMaxLimit);
    return admissionMinLimit == 0 ? limit : limit.withMinLimit(admissionMinLimit);
  }

  /** When a step of the rate search counts as sustainable. */
  Sustainability sustainability() {
    return new Sustainability(MIN_ACHIEVED_FRACTION, p99Bound.toNanos() / 1e6);
  }

  /** The sweep's offered rates as multiples of the maximum sustainable rate, 2x the last. */
  List<Double> sweep() {
    return smoke ? QUICK_SWEEP : FULL_SWEEP;
  }

  /** The options and their full-run defaults, for {@code --help}. */
  static String usage() {
    StringBuilder usage =
        new StringBuilder(
            "options (full-run default; --smoke runs a few seconds with short defaults):\n");
    FULL.forEach(
        (key, value) -> usage.append("  ").append(key).append(' ').append(value).append('\n'));
    return usage.append("  " + OUT + " <results.json>\n  ").append(SMOKE).append('\n').toString();
  }

  private static LoadOptions of(Map<String, String> values, boolean smoke) {
    int admissionMaxLimit = integer(values, "--admission-max-limit", 1, 10_000);
    return new LoadOptions(
        duration(values, "--warmup", false),
        duration(values, "--duration", true),
        duration(values, "--step-warmup", false),
        duration(values, "--step", true),
        duration(values, "--search-warmup", false),
        integer(values, "--refinements", 0, 10),
        integer(values, "--max-rate", 0, 1_000_000),
        integer(values, "--raw-concurrency", 1, 1024),
        integer(values, "--connections", 1, 1024),
        integer(values, "--max-outstanding", 1, 1_000_000),
        admissionMaxLimit,
        integer(values, "--admission-min-limit", 0, admissionMaxLimit),
        duration(values, "--p99-bound", true),
        integer(values, "--claim-agents", 1, 100_000),
        Optional.ofNullable(values.get(OUT)).map(Path::of),
        smoke);
  }

  private static Map<String, String> defaults(
      String warmup,
      String duration,
      String stepWarmup,
      String step,
      String searchWarmup,
      String refinements,
      String p99Bound,
      String claimAgents) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("--warmup", warmup);
    defaults.put("--duration", duration);
    defaults.put("--step-warmup", stepWarmup);
    defaults.put("--step", step);
    defaults.put("--search-warmup", searchWarmup);
    defaults.put("--refinements", refinements);
    defaults.put("--max-rate", "0");
    defaults.put("--raw-concurrency", "16");
    defaults.put("--connections", Integer.toString(CONNECTIONS));
    defaults.put("--max-outstanding", "1024");
    defaults.put(
        "--admission-max-limit", Integer.toString(AdmissionSettings.defaults().maxLimit()));
    defaults.put("--admission-min-limit", "0");
    defaults.put("--p99-bound", p99Bound);
    defaults.put("--claim-agents", claimAgents);
    return Collections.unmodifiableMap(defaults);
  }

  private static Duration duration(Map<String, String> values, String key, boolean positive) {
    return CommandLine.duration(key, values.get(key), !positive);
  }

  private static int integer(Map<String, String> values, String key, int min, int max) {
    return (int) CommandLine.wholeNumber(key, values.get(key), min, max);
  }
}
