package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
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

  @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Authorization");

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
    assertThat(fake.run(command)).as(fake.cli().stderr()).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains(error);
    assertThat(fake.cli().stderr().strip().lines()).hasSize(1);
    assertThat(fake.server().recorded()).isEmpty();
  }

  @Test
  void namesInTheGrammarAreSent() {
    fake.server()
        .answering(
            200, "application/json", "{\"outcome\":\"SUCCESS\",\"output\":1,\"message\":\"\"}");
    assertThat(fake.run(List.of("tools", "invoke", "echo", "1.0.0+b.2", "--input", "{}")))
        .as(fake.cli().stderr())
        .isZero();
    assertThat(fake.server().recorded()).hasSize(1);
  }
}
