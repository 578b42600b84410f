package com.infrafabric.platform.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations operators write: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code
 * 7d}, or ISO-8601 such as {@code PT15M}.
 */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text}, naming {@code key} in the error.
   *
   * @throws IllegalArgumentException e.g. "http.idleTimeout 10x is not a duration (e.g. 500ms, 30s,
   *     15m, 2h, PT15M)"
   */
  public static Duration parse(String key, String text) {
    String value = text.strip();
    Matcher matcher = SHORT.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          key + " " + value + " is not a duration (e.g. 500ms, 30s, 15m, 2h, PT15M)");
    }
  }
}
