package com.infrafabric.benchmarks;

import com.infrafabric.platform.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How every harness's {@code main} reads its command line, so that each answers alike: {@code
 * --help} prints the usage and runs nothing; arguments the parser refuses (it throws {@link
 * IllegalArgumentException} with a sentence naming the bad one) print that sentence and the usage
 * on standard error and exit with status 2. Nobody running a harness sees a stack trace for a typo,
 * and a harness never runs for minutes on arguments it did not understand.
 */
public final class CommandLine {

  private CommandLine() {}

  /**
   * What {@code parser} makes of {@code args}; empty after printing {@code usage} for {@code
   * --help}. Exits with status 2 when {@code parser} refuses them.
   */
  public static <T> Optional<T> parse(
      String usage, String[] args, Function<List<String>, T> parser) {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help")) {
      System.out.print(usage);
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(arguments));
    } catch (IllegalArgumentException refused) {
      System.err.println(refused.getMessage());
      System.err.print(usage);
      System.exit(2);
      return Optional.empty();
    }
  }

  /**
   * The options {@code args} give, in order: each name in {@code valued} with the argument after it
   * as its value, each name in {@code flags} with an empty value. Throws with a sentence naming an
   * argument that is neither, or a valued option given last, without its value.
   */
  public static Map<String, String> options(
      List<String> args, Set<String> valued, Set<String> flags) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (flags.contains(name)) {
        given.put(name, "");
      } else if (!valued.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      } else if (i + 1 == args.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      } else {
        given.put(name, args.get(++i));
      }
    }
    return given;
  }

  /**
   * {@code text} as a duration written as the platform's configuration writes them ({@code 10m},
   * {@code 5s}): positive, or zero too if {@code zeroAllowed}; throws naming {@code name}.
   */
  public static Duration duration(String name, String text, boolean zeroAllowed) {
    Duration value = Durations.parse(name, text);
    if (value.isNegative() || !zeroAllowed && value.isZero()) {
      throw new IllegalArgumentException(
          name + " " + text + " must be " + (zeroAllowed ? "zero or more" : "positive"));
    }
    return value;
  }

  /**
   * {@code value} as a whole number within min..max; throws with a sentence naming {@code name}.
   */
  public static long wholeNumber(String name, String value, long min, long max) {
    try {
      long number = Long.parseLong(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException(name + " " + value + " is not a whole number");
    }
    throw new IllegalArgumentException(name + " " + value + " is outside " + min + ".." + max);
  }
}
