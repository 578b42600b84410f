package com.infrafabric.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed configuration from a properties file with environment-variable overrides, validated when
 * read with messages that name the key ("http.port 70000 is outside 1..65535").
 *
 * <p>Every key {@code a.bC.d} can be overridden by the environment variable {@code IF_A_B_C_D}: the
 * prefix {@code IF_}, then the key upper-cased with dots, dashes and camel-case humps turned into
 * underscores (see {@link #envName}). The environment wins over the file. A key set to nothing but
 * blanks, in either, is an error rather than unset: a blank {@code IF_REDIS_EMBEDDED} from an
 * environment file once turned the switch a unit had set to {@code false} back to its default.
 *
 * <p>Values read with {@link #secret} never appear in any message. Thread-safe.
 */
public final class Config {

  /** The prefix of every environment variable that overrides a key. */
  private static final String ENV_PREFIX = "IF_";

  private final Map<String, String> file;
  private final Map<String, String> env;
  private final String origin;
  private final Set<String> read = ConcurrentHashMap.newKeySet();

  private Config(Map<String, String> file, Map<String, String> env, String origin) {
    this.file = Map.copyOf(file);
    this.env = Map.copyOf(env);
    this.origin = origin;
  }

  /**
   * Reads {@code file} (a {@code .properties} file, UTF-8) and overlays {@code env}.
   *
   * @throws IllegalArgumentException if the file cannot be read ({@link PropertiesFile#read})
   */
  public static Config load(Path file, Map<String, String> env) {
    return new Config(PropertiesFile.read(file), env, file.toString());
  }

  /** Configuration from given values (tests, or a service with no file) overlaid by {@code env}. */
  public static Config of(Map<String, String> values, Map<String, String> env) {
    return new Config(values, env, "the given values");
  }

  /**
   * This configuration with {@code defaults} under it: a key set in the file or the environment
   * keeps its value, an unset one takes the default. Launchers use it for values they derive, such
   * as generated key files.
   */
  public Config withDefaults(Map<String, String> defaults) {
    Map<String, String> merged = new HashMap<>();
    // A derived value that is blank (no offline models, say) is no value.
    defaults.forEach(
        (key, value) -> {
          if (!value.isBlank()) {
            merged.put(key, value);
          }
        });
    merged.putAll(file);
    return new Config(merged, env, origin);
  }

  /**
   * The environment variable that overrides {@code key}: {@code http.maxBodyBytes} → {@code
   * IF_HTTP_MAX_BODY_BYTES}.
   */
  public static String envName(String key) {
    String snake = key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[.-]", "_");
    return ENV_PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  /**
   * The value of {@code key}, from the environment or else the file; empty if neither sets it.
   *
   * @throws IllegalArgumentException if it is set to nothing but blanks
   */
  public Optional<String> optional(String key) {
    read.add(key);
    String variable = envName(key);
    String value = env.getOrDefault(variable, file.get(key));
    if (value == null) {
      return Optional.empty();
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(
          (env.containsKey(variable) ? variable : key)
              + " is set but empty: set a value, or unset it");
    }
    return Optional.of(value.strip());
  }

  public String required(String key) {
    return optional(key)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    key + " is required (set it in the config file or " + envName(key) + ")"));
  }

  public String string(String key, String defaultValue) {
    return optional(key).orElse(defaultValue);
  }

  /** A value that must never be shown: errors about it name the key only. */
  public Optional<String> secret(String key) {
    return optional(key);
  }

  public long integer(String key, long defaultValue, long min, long max) {
    long value = optional(key).map(text -> parseLong(key, text)).orElse(defaultValue);
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " " + value + " is outside " + min + ".." + max);
    }
    return value;
  }

  /**
   * {@code true} or {@code false}, nothing else: a typo such as {@code flase} must not silently
   * turn a safety switch into its default.
   */
  public boolean bool(String key, boolean defaultValue) {
    return optional(key)
        .map(
            text ->
                switch (text) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          key + " must be true or false, not '" + text + "'");
                })
        .orElse(defaultValue);
  }

  public Duration duration(String key, Duration defaultValue) {
    return optional(key).map(text -> Durations.parse(key, text)).orElse(defaultValue);
  }

  /**
   * A duration within {@code min..max}: a value that parses but makes no sense (a drain of years, a
   * sweep every millisecond) stops the launch like a malformed one.
   *
   * @throws IllegalArgumentException "budget.sweepInterval PT0.001S is outside PT0.1S..PT1H"
   */
  public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    Duration value = duration(key, defaultValue);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(key + " " + value + " is outside " + min + ".." + max);
    }
    return value;
  }

  /** A comma-separated list; empty if the key is not set. */
  public List<String> list(String key) {
    return optional(key)
        .map(
            text ->
                Arrays.stream(text.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList())
        .orElse(List.of());
  }

  /**
   * Fails on a key in the file, or an {@code IF_} variable in the environment, that nobody read,
   * which is almost always a typo: a misspelt {@code IF_REDIS_EMBEDED=false} left a production node
   * on a private Redis without a word.
   *
   * @param otherVariables the {@code IF_} variables the caller reads by other means than this
   *     configuration (a launcher's own), which are not unknown
   * @throws IllegalArgumentException "unknown config key http.prot in /etc/governor.properties",
   *     "unknown environment variable IF_HTTP_PROT"
   */
  public void rejectUnknownKeys(Set<String> otherVariables) {
    Set<String> unknown = new TreeSet<>(file.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown config key " + String.join(", ", unknown) + " in " + origin);
    }
    Set<String> known = new HashSet<>(otherVariables);
    read.forEach(key -> known.add(envName(key)));
    Set<String> unknownVariables = new TreeSet<>();
    for (String variable : env.keySet()) {
      if (variable.startsWith(ENV_PREFIX) && !known.contains(variable)) {
        unknownVariables.add(variable);
      }
    }
    if (!unknownVariables.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown environment variable "
              + String.join(", ", unknownVariables)
              + " (no config key reads it)");
    }
  }

  private static long parseLong(String key, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " " + text + " is not an integer");
    }
  }
}
