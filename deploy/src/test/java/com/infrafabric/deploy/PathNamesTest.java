package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A name a command puts in a request's path is checked with the service's own grammar before
 * anything is sent: a name the service would refuse is a usage error (exit 2, one line naming it).
 * Regression: {@code tools invoke 'echo/../x' 1.0.0} was sent, and exited 1 with the chassis's 400.
 */
@Timeout(60)
class PathNamesTest {

  private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2ln";

  @TempDir Path directory;
  private FakeService server;
  private CliRun cli;

  @BeforeEach
  void start() {
    server = FakeService.recording("Authorization");
    cli = new CliRun(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A command line naming something the service would refuse, and the error it gets. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            List.of("tools", "invoke", "echo/../x", "1.0.0", "--input", "{}"),
            "tool name \"echo/../x\" must match [a-z][a-z0-9-]{0,62}"),
        Arguments.of(
            List.of("tools", "invoke", "echo", "1.0.0/../x", "--input", "{}"),
            "tool version \"1.0.0/../x\" must match [0-9A-Za-z][0-9A-Za-z.+-]{0,31}"),
        Arguments.of(
            List.of("credentials", "delete", "../openai"),
            "credential name \"../openai\" must match"),
        Arguments.of(
            List.of("credentials", "delete", "openai", "--tenant", "acme/x"),
            "tenant \"acme/x\" must be 1-64 characters"),
        Arguments.of(List.of("agents", "get", "acme", "a b"), "agent id \"a b\" must be"),
        Arguments.of(List.of("agents", "list", ".."), "tenant \"..\" must be"),
        Arguments.of(List.of("budgets", "get", "acme//x"), "scope \"acme//x\" has a segment"),
        Arguments.of(
            List.of("claims", "heartbeat", "../lease"),
            "lease \"../lease\" must look like <tenant>/<task id>#<number>"),
        Arguments.of(
            List.of("keys", "get", "acme", "k1/../x"), "key id \"k1/../x\" must be k and 20"),
        Arguments.of(List.of("ledger", "tail", "acme/../x"), "tenant \"acme/../x\" must be"),
        Arguments.of(
            List.of("tools", "invoke", "x".repeat(5000), "1.0.0", "--input", "{}"),
            "tool name \"" + "x".repeat(63) + "\u2026\" must match"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void aNameTheServiceWouldRefuseIsAUsageErrorAndNothingIsSent(List<String> command, String error) {
    assertThat(run(command)).as(cli.stderr()).isEqualTo(2);
    assertThat(cli.stderr()).contains(error);
    assertThat(cli.stderr().strip().lines()).hasSize(1);
    assertThat(server.recorded()).isEmpty();
  }

  @Test
  void namesInTheGrammarAreSent() {
    server.answering(
        200, "application/json", "{\"outcome\":\"SUCCESS\",\"output\":1,\"message\":\"\"}");
    assertThat(run(List.of("tools", "invoke", "echo", "1.0.0+b.2", "--input", "{}")))
        .as(cli.stderr())
        .isZero();
    assertThat(server.recorded()).hasSize(1);
  }

  private int run(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--url", server.url(), "--token", TOKEN));
    return cli.run(args.toArray(String[]::new));
  }
}
