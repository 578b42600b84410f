package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ExampleBuilds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial of {@code host-api/README.md}, run as a reader runs it: every {@code sh} block of
 * its section, in order, in one shell, against a {@code serve} this test starts ({@link
 * ShellExamples}). Every JSON line the tutorial shows as a {@code # } comment must be printed, in
 * that order.
 */
@Timeout(900)
class TutorialTest {

  private static final Pattern SHOWN_OUTPUT = Pattern.compile("(?m)^# (\\{.*\\})$");

  @TempDir Path directory;

  @Test
  void theTutorialTakesANewToolToAnInvocationUnderAGrant() throws Exception {
    List<String> blocks = ShellExamples.blocks(tutorial());
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(9);
    try (LocalServe serve = ShellExamples.startServe(directory)) {
      Path work = ShellExamples.workingDirectory(directory, serve, Map.of());
      String script =
          ShellExamples.againstServe("set -euo pipefail\n" + String.join("\n", blocks), serve);

      List<String> printed = ShellExamples.run(script, "tutorial", work);

      assertThat(printed).containsSubsequence(shownOutputs(blocks));
    }
  }

  private static String tutorial() throws IOException {
    String readme = Files.readString(ExampleBuilds.repository().resolve("host-api/README.md"));
    int start = readme.indexOf("## Tutorial: your first tool");
    assertThat(start).as("the tutorial section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static List<String> shownOutputs(List<String> blocks) {
    List<String> shown = new ArrayList<>();
    for (String block : blocks) {
      Matcher output = SHOWN_OUTPUT.matcher(block);
      while (output.find()) {
        shown.add(output.group(1));
      }
    }
    assertThat(shown).as("outputs the tutorial shows").isNotEmpty();
    return shown;
  }
}
