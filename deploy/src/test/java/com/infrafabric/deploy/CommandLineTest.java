package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.deploy.cli.BuildVersion;
import com.infrafabric.deploy.cli.CliContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command line's own surface: help and version everywhere, exit codes, completion. */
@Timeout(60)
class CommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final CliContext context =
      new CliContext(
          Map.of(),
          Clock.systemUTC(),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));

  private int run(String... args) {
    out.reset();
    err.reset();
    return Launcher.run(context, args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Regression: {@code demo --help} ran the demo, {@code serve --help} wanted a value. */
  @Test
  void everyCommandAnswersHelpWithItsUsageAndDoesNothingElse() {
    List<List<String>> paths = commandPaths(Launcher.commandLine(context), List.of());
    assertThat(paths).extracting(p -> String.join(" ", p)).contains("demo", "serve", "token mint");
    for (List<String> path : paths) {
      String[] args = Stream.concat(path.stream(), Stream.of("--help")).toArray(String[]::new);
      assertThat(run(args)).as(String.join(" ", args) + ": " + err).isZero();
      assertThat(stdout())
          .as(String.join(" ", args))
          .containsIgnoringCase("usage:")
          .contains(path.isEmpty() ? "infrafabric" : path.get(path.size() - 1));
      assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
  }

  /**
   * {@code infrafabric --help} shows the first line of each command's description; regression: the
   * {@code backup} and {@code restore} summaries stopped mid-sentence ("into DIR:", "verify the").
   */
  @Test
  void everyCommandsSummaryIsACompleteSentence() {
    List<List<String>> paths = commandPaths(Launcher.commandLine(context), List.of());
    for (List<String> path : paths.subList(1, paths.size())) {
      CommandLine command = Launcher.commandLine(context);
      for (String name : path) {
        command = command.getSubcommands().get(name);
      }
      String[] description = command.getCommandSpec().usageMessage().description();
      assertThat(description).as(String.join(" ", path)).isNotEmpty();
      assertThat(description[0]).as(String.join(" ", path)).endsWith(".");
    }
  }

  @Test
  void versionIsTheProjectVersion() {
    assertThat(run("--version")).isZero();
    assertThat(stdout().strip()).isEqualTo("infrafabric " + BuildVersion.version());
    assertThat(BuildVersion.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(run("token", "mint", "--version")).isZero();
  }

  @Test
  void noCommandPrintsTheUsageAndHelpNamesEveryCommand() {
    assertThat(run()).isZero();
    assertThat(stdout()).contains("serve", "demo", "token", "contract", "tool", "help");
    assertThat(run("help", "token")).isZero();
    assertThat(stdout()).contains("keygen", "mint");
  }

  @Test
  void aGroupWithoutItsCommandIsAUsageError() {
    assertThat(run("token")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: missing command, one of: keygen, mint\n");
    assertThat(run("serve", "--port", "1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: unknown option --port\n");
    assertThat(run("tool", "init", "--lang", "c", "a", "b")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: unexpected argument 'b'");
  }

  @Test
  void exitCodesSayWhatHappened() {
    assertThat(Launcher.exitCodeFor(new InterruptedException())).isEqualTo(130);
    assertThat(Launcher.exitCodeFor(new IllegalArgumentException("bad key"))).isEqualTo(2);
    assertThat(Launcher.exitCodeFor(new IllegalStateException("port in use"))).isEqualTo(2);
    assertThat(Launcher.exitCodeFor(new java.io.UncheckedIOException(new java.io.IOException())))
        .isEqualTo(1);
  }

  /**
   * Regression: a missing config file, an agent contract out of range and a file the caller named
   * that cannot be read exited 1, as if a service had failed; each is the caller's input, refused
   * before anything is sent, which the README gives status 2.
   */
  @Test
  void everyInputErrorFoundBeforeAnythingIsSentIsStatusTwo() {
    String missing = "/nonexistent/missing.file";
    List<List<String>> inputErrors =
        List.of(
            List.of("budgets", "list", "--url", "http://127.0.0.1:9", "--token-file", missing),
            List.of("serve", "--config", missing),
            sign("--capability", "python:11"),
            sign("--cost-micros", "-5"),
            sign("--id", "not an id!"),
            List.of("contract", "sign", "--module", missing, "--contract", "c", "--private", "k"),
            List.of(
                "tools",
                "publish",
                "--module",
                missing,
                "--contract",
                missing,
                "--url",
                "http://127.0.0.1:9",
                "--token",
                "aGVhZA.Ym9keQ.c2ln"),
            List.of(
                "credentials",
                "put",
                "n",
                "--secret-file",
                missing,
                "--allow",
                "https://a.example:443",
                "--url",
                "http://127.0.0.1:9",
                "--token",
                "aGVhZA.Ym9keQ.c2ln"));
    for (List<String> args : inputErrors) {
      assertThat(run(args.toArray(String[]::new))).as(args + ": " + err).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).as(args.toString()).hasLineCount(1);
    }
  }

  /** {@code agents sign} with valid options but {@code option}, set to {@code value}. */
  private static List<String> sign(String option, String value) {
    Map<String, String> options =
        new LinkedHashMap<>(
            Map.of(
                "--private", "/nonexistent/key.json",
                "--iss", "infrafabric-local",
                "--tenant", "acme",
                "--id", "summarizer",
                "--capability", "python:7",
                "--model", "gpt-4o",
                "--cost-micros", "2000",
                "--contract-version", "1"));
    options.put(option, value);
    List<String> args = new ArrayList<>(List.of("agents", "sign"));
    options.forEach((name, v) -> args.addAll(List.of(name, v)));
    return args;
  }

  @Test
  void generatesABashCompletionScriptForEveryCommand() {
    assertThat(run("generate-completion")).isZero();
    assertThat(stdout())
        .contains("complete -F _complete_infrafabric")
        .contains("serve", "demo", "keygen", "mint", "sign", "init");
  }

  private static List<List<String>> commandPaths(CommandLine command, List<String> path) {
    List<List<String>> paths = new ArrayList<>();
    paths.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> longer = new ArrayList<>(path);
                longer.add(name);
                paths.addAll(commandPaths(sub, longer));
              }
            });
    return paths;
  }
}
