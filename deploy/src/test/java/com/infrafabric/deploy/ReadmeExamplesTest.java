package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ExampleBuilds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level README's examples that need a running {@code serve} run as written: every {@code
 * sh} block the line {@value #MARKER} precedes, in order, in one shell, against a {@code serve}
 * this test starts ({@link ShellExamples}). {@code curl} fails on an HTTP error status there, as
 * every block shows a successful call; the client commands find the services through {@code
 * IF_GOVERNOR_URL} and {@code IF_CHASSIS_URL}, as the README says they may.
 */
@Timeout(600)
class ReadmeExamplesTest {

  static final String MARKER = "<!-- ReadmeExamplesTest runs this block against serve -->";

  private static final String PRELUDE =
      """
      set -euo pipefail
      export IF_GOVERNOR_URL=http://127.0.0.1:8080 IF_CHASSIS_URL=http://127.0.0.1:8081
      curl() { command curl --silent --show-error --fail-with-body "$@"; echo; }
      """;

  @TempDir Path directory;

  @Test
  void everyMarkedExampleRunsAgainstServeAndExitsZero() throws Exception {
    Path repository = ExampleBuilds.repository();
    List<String> blocks =
        ShellExamples.blocks(Files.readString(repository.resolve("README.md")), MARKER);
    assertThat(blocks).as("marked blocks").hasSizeGreaterThanOrEqualTo(4);
    StringBuilder script = new StringBuilder(PRELUDE);
    for (int i = 0; i < blocks.size(); i++) {
      script.append("echo '== README example ").append(i + 1).append("'\n");
      script.append(blocks.get(i)).append('\n');
    }
    try (LocalServe serve = ShellExamples.startServe(directory)) {
      Path work =
          ShellExamples.workingDirectory(
              directory, serve, Map.of("host-api", repository.resolve("host-api")));

      List<String> printed =
          ShellExamples.run(ShellExamples.againstServe(script.toString(), serve), "readme", work);

      assertThat(printed).contains("== README example " + blocks.size());
    }
  }
}
