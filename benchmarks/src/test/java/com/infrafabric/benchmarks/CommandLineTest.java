package com.infrafabric.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  void optionsTakeTheirValuesAndFlagsStandAlone() {
    assertThat(
            CommandLine.options(
                List.of("--rate", "5", "--smoke", "--out", "r.json"),
                Set.of("--rate", "--out"),
                Set.of("--smoke")))
        .containsExactly(entry("--rate", "5"), entry("--smoke", ""), entry("--out", "r.json"));
    assertThatThrownBy(() -> CommandLine.options(List.of("--fast"), Set.of(), Set.of("--smoke")))
        .hasMessage("unknown option --fast");
    assertThatThrownBy(
            () -> CommandLine.options(List.of("--smoke", "--rate"), Set.of("--rate"), Set.of()))
        .hasMessage("unknown option --smoke");
    assertThatThrownBy(() -> CommandLine.options(List.of("--rate"), Set.of("--rate"), Set.of()))
        .hasMessage("--rate needs a value");
  }

  @Test
  void durationsAreWrittenAsTheConfigurationWritesThem() {
    assertThat(CommandLine.duration("--d", "10m", false)).isEqualTo(Duration.ofMinutes(10));
    assertThat(CommandLine.duration("--d", "0s", true)).isZero();
    assertThatThrownBy(() -> CommandLine.duration("--d", "0s", false))
        .hasMessage("--d 0s must be positive");
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
