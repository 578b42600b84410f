package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A value the CLI can check with the service's own definitions (its enumerations' wire names, its
 * ranges) is checked before anything is sent: one the service would refuse is a usage error (exit
 * 2, one line naming the option, the value and what it may be). Regression: each was sent and
 * exited 1 with the service's 400 (while {@code budgets set --cap day=-5} already gave 2).
 */
@Timeout(60)
class LocalChecksTest {

  private static final List<String> KEY = List.of("keys", "create", "--scope", "acme", "--models");

  @RegisterExtension final FakeServiceCli fake = FakeServiceCli.recording("Authorization");

  /** A command line the service would refuse, and the error it gets. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            List.of("agents", "status", "acme", "st1", "weird"),
            "STATUS \"weird\" must be one of active, draining, disabled"),
        Arguments.of(
            List.of("claims", "finish", "acme/x#1", "--outcome", "weird"),
            "--outcome \"weird\" must be one of succeeded, failed, abandoned"),
        Arguments.of(
            List.of("reservations", "list", "--state", "bogus"),
            "--state \"bogus\" must be one of open, finished, any"),
        Arguments.of(
            List.of("spend", "--by", "nonsense"),
            "--by \"nonsense\" must be one of key, model, scope, day, provider"),
        Arguments.of(List.of("spend", "--by", "key,model,key"), "--by names a dimension twice"),
        Arguments.of(
            List.of("spend", "--from", "2026-06-01T00:00:00Z", "--to", "2026-05-01T00:00:00Z"),
            "the range must end after it starts"),
        Arguments.of(
            List.of("spend", "--from", "2026-01-01T00:00:00Z", "--to", "2026-06-01T00:00:00Z"),
            "a report covers at most 92 days"),
        Arguments.of(
            List.of("budgets", "set", "acme", "--cap", "week=5"),
            "--cap window \"week\" must be one of lifetime, day, month"),
        Arguments.of(
            FakeServiceCli.plus(KEY, "m", "--rpm", "-1", "--tpm", "5"),
            "--rpm -1 is outside 1..1000000000"),
        Arguments.of(
            FakeServiceCli.plus(KEY, "m", "--rpm", "5", "--tpm", "0"),
            "--tpm 0 is outside 1..1000000000"),
        Arguments.of(List.of("agents", "list", "acme", "--limit", "0"), "--limit 0 is outside"),
        Arguments.of(
            List.of("tools", "list", "--limit", "1001"), "--limit 1001 is outside 1..1000"),
        Arguments.of(List.of("ledger", "tail", "acme", "--limit", "0"), "--limit 0 is outside"),
        Arguments.of(
            List.of(
                "ledger",
                "export",
                "acme",
                "--csv",
                "--from",
                "2026-12-08T00:00:00Z",
                "--to",
                "2026-12-07T00:00:00Z"),
            "the range must end after it starts"),
        Arguments.of(
            List.of("budgets", "set", "acme", "--cap", "day=9007199254740992"),
            "--cap day=9007199254740992"),
        Arguments.of(
            List.of("budgets", "set", "acme", "--cap", "day=5", "--thresholds", "50,150"),
            "threshold 150% is outside 1..99"),
        Arguments.of(claim(17), "--require: a task requires 1 to 16 capabilities, not 17"),
        Arguments.of(claim(3000), "--require: a task requires 1 to 16 capabilities, not 3000"));
  }

  /**
   * A claim of {@code capabilities} distinct requirements. Regression: 3,000 were sent and the
   * service refused them with a contract's bound ("1 to 64 entries"), exit 1; a task's bound is 16.
   */
  private static List<String> claim(int capabilities) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "claims", "claim", "--task", "t1", "--scope", "acme", "--max-cost-micros", "5"));
    for (int i = 0; i < capabilities; i++) {
      command.addAll(List.of("--require", "c" + i));
    }
    return command;
  }

  @ParameterizedTest
  @MethodSource("refused")
  void aValueTheServiceWouldRefuseIsAUsageErrorAndNothingIsSent(
      List<String> command, String error) {
    assertThat(fake.run(command)).as(fake.cli().stderr()).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains(error).doesNotContain("waiting for");
    assertThat(fake.cli().stderr().strip().lines()).hasSize(1);
    assertThat(fake.server().recorded()).isEmpty();
  }

  /** The same commands with values the service takes, so the checks above refuse no more. */
  static Stream<List<String>> accepted() {
    return Stream.of(
        List.of("agents", "status", "acme", "st1", "draining"),
        List.of("claims", "finish", "acme/x#1", "--outcome", "abandoned"),
        List.of("reservations", "list", "--state", "finished"),
        List.of("spend", "--by", "provider,day"),
        List.of("budgets", "set", "acme", "--cap", "lifetime=5", "--cap", "month=4"),
        FakeServiceCli.plus(KEY, "m", "--rpm", "1", "--tpm", "1000000000"),
        List.of("agents", "list", "acme", "--limit", "1000"),
        claim(16));
  }

  @ParameterizedTest
  @MethodSource("accepted")
  void aValueTheServiceTakesIsSent(List<String> command) {
    fake.run(command);
    assertThat(fake.server().recorded()).as(fake.cli().stderr()).hasSize(1);
  }

  /**
   * Regression: {@code agents register --contract /dev/null} sent an empty contract and exited 1
   * with the service's 403; a file that is no compact JWS is a usage error, nothing sent.
   */
  @Test
  void aContractFileThatIsNoSignedContractIsAUsageError() throws IOException {
    for (String text : List.of("", "\n", "not a contract", "a.b", "a.b.c.d")) {
      Path file = Files.writeString(fake.directory().resolve("contract.jws"), text);
      assertThat(fake.run(List.of("agents", "register", "--contract", file.toString())))
          .as(text)
          .isEqualTo(2);
      assertThat(fake.cli().stderr()).contains("is not a signed contract");
    }
    assertThat(fake.server().recorded()).isEmpty();
  }

  /** Regression: the grant's JSON error was Jackson's, after "waiting for the governor", exit 1. */
  @Test
  void aGrantFileThatIsNotJsonIsAUsageErrorNamingItInPlainWords() throws IOException {
    Path grant = Files.writeString(fake.directory().resolve("bad.json"), "{bad");
    List<String> claim =
        List.of(
            "claims",
            "claim",
            "--task",
            "t1",
            "--scope",
            "acme",
            "--require",
            "python:5",
            "--max-cost-micros",
            "1",
            "--grant",
            grant.toString());

    assertThat(fake.run(claim)).as(fake.cli().stderr()).isEqualTo(2);
    assertThat(fake.cli().stderr().strip())
        .isEqualTo(
            "infrafabric: --grant "
                + grant
                + " does not hold one JSON object (The request body"
                + " is not valid JSON.)");
    assertThat(fake.server().recorded()).isEmpty();

    Files.writeString(grant, "[1]");
    assertThat(fake.run(claim)).isEqualTo(2);
    assertThat(fake.cli().stderr()).contains("--grant " + grant + " does not hold one JSON object");
    assertThat(fake.server().recorded()).isEmpty();
  }

  /** Regression: picocli's message named java.time.format.DateTimeParseException. */
  @Test
  void anInstantThatIsNotOneIsAUsageErrorWithoutTheParsersName() {
    for (List<String> command :
        List.of(
            List.of("spend", "--from", "2026-13-01T00:00:00Z"),
            List.of("ledger", "export", "acme", "--csv", "--to", "yesterday"),
            FakeServiceCli.plus(
                KEY, "m", "--rpm", "1", "--tpm", "1", "--expires-at", "2027-02-30T00:00:00Z"))) {
      assertThat(fake.run(command)).as(fake.cli().stderr()).isEqualTo(2);
      assertThat(fake.cli().stderr().lines())
          .as("one line, not the usage after it")
          .singleElement()
          .asString()
          .startsWith("error: ")
          .contains("is not an ISO-8601 instant such as 2026-12-01T00:00:00Z")
          .doesNotContain("Exception")
          .doesNotContain("java.");
      assertThat(fake.server().recorded()).isEmpty();
    }
  }

  /** A number too large for its option is one line too (verification probe: 22 lines). */
  @Test
  void aNumberThatCannotBeReadIsOneLine() {
    assertThat(
            fake.run(FakeServiceCli.plus(KEY, "m", "--rpm", "99999999999999999999", "--tpm", "1")))
        .isEqualTo(2);
    assertThat(fake.cli().stderr().lines())
        .singleElement()
        .asString()
        .startsWith("error: ")
        .contains("--rpm");
    assertThat(fake.server().recorded()).isEmpty();
  }
}
