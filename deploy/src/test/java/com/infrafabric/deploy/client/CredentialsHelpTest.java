package com.infrafabric.deploy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.infrafabric.deploy.Launcher;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.llm.vault.ResponsePolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The values {@code credentials put --response} lists are the ones the chassis accepts, and only
 * those. Regression: the help offered "full, redacted or status-only"; the chassis refuses
 * "redacted".
 */
class CredentialsHelpTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CliContext context =
      new CliContext(
          Map.of(),
          Clock.systemUTC(),
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

  @Test
  void responseListsEveryPolicyTheChassisAcceptsAndNothingElse() {
    OptionSpec response =
        Launcher.commandLine(context)
            .getSubcommands()
            .get("credentials")
            .getSubcommands()
            .get("put")
            .getCommandSpec()
            .findOption("--response");
    List<String> listed = new ArrayList<>();
    response.completionCandidates().forEach(listed::add);

    assertThat(listed).containsExactlyInAnyOrder("full", "status-only");
    for (String value : listed) {
      assertThatCode(() -> ResponsePolicy.parse(value, OptionalInt.empty()))
          .as(value)
          .doesNotThrowAnyException();
    }
    assertThat(Launcher.run(context, "credentials", "put", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "))
        .contains("one of full, status-only")
        .doesNotContain("redacted or");
  }
}
