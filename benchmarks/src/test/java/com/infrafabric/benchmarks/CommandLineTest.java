package com.infrafabric.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every harness's command line does with --help, good arguments and numbers. */
class CommandLineTest {

  @Test
  void helpPrintsTheUsageAndParsesNothing() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Optional<List<String>> parsed;
    try {
      parsed =
          CommandLine.parse(
              "usage: it\n",
              new String[] {"--rate", "5", "--help"},
              args -> {
                throw new AssertionError("parsed despite --help");
              });
    } finally {
      System.setOut(out);
    }

    assertThat(parsed).isEmpty();
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("usage: it\n");
  }

  @Test
  void theParsersResultIsReturned() {
    assertThat(CommandLine.parse("usage\n", new String[] {"a", "b"}, List::size)).contains(2);
  }

  @Test
  void wholeNumbersAreCheckedAgainstTheirRange() {
    assertThat(CommandLine.wholeNumber("--n", "7", 1, 10)).isEqualTo(7);
    assertThatThrownBy(() -> CommandLine.wholeNumber("--n", "7.5", 1, 10))
        .hasMessage("--n 7.5 is not a whole number");
    assertThatThrownBy(() -> CommandLine.wholeNumber("--n", "11", 1, 10))
        .hasMessage("--n 11 is outside 1..10");
  }
}
