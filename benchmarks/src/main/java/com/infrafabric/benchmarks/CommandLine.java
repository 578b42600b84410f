package com.infrafabric.benchmarks;

import java.util.List;
import java.util.Optional;
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
