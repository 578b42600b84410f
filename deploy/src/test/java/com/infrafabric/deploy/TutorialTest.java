package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.testing.ExampleBuilds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tutorial of {@code host-api/README.md}, run as a reader runs it: every {@code sh} block of
 * its section, in order, in one shell, from a directory where {@code ./infrafabric} is this build's
 * launcher and {@code var/} is the data of a {@code serve} this test starts (its own redis-server
 * and ports, put in place of the tutorial's 8080 and 8081). Every JSON line the tutorial shows as a
 * {@code # } comment must be printed, in that order.
 */
@Timeout(900)
class TutorialTest {

  private static final Pattern SH_BLOCK = Pattern.compile("```sh\n(.*?)\n```", Pattern.DOTALL);
  private static final Pattern SHOWN_OUTPUT = Pattern.compile("(?m)^# (\\{.*\\})$");

  @TempDir Path directory;

  @Test
  void theTutorialTakesANewToolToAnInvocationUnderAGrant() throws Exception {
    String tutorial = tutorial();
    List<String> blocks = blocks(tutorial);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(9);
    try (LocalServe serve = startServe()) {
      Path work = Files.createDirectory(directory.resolve("work"));
      Files.createSymbolicLink(work.resolve("var"), serve.data);
      launcher(work.resolve("infrafabric"));
      String script =
          ("set -euo pipefail\n" + String.join("\n", blocks))
              .replace("http://127.0.0.1:8080", "http://127.0.0.1:" + serve.governorPort)
              .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + serve.chassisPort);
      Path file = Files.writeString(work.resolve("tutorial.sh"), script);

      List<String> printed = run(file, work);

      assertThat(printed).containsSubsequence(shownOutputs(blocks));
    }
  }

  /**
   * {@code serve} as the reader starts it. On a loaded machine its first Redis command can miss the
   * one-second command deadline while the JVM warms up, and {@code serve} then refuses to start (it
   * fails closed); that is not what this test is about, so it tries up to three times.
   */
  private LocalServe startServe() throws IOException {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return LocalServe.start(Files.createDirectory(directory.resolve("serve-" + attempt)));
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  private static String tutorial() throws IOException {
    String readme = Files.readString(ExampleBuilds.repository().resolve("host-api/README.md"));
    int start = readme.indexOf("## Tutorial: your first tool");
    assertThat(start).as("the tutorial section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  private static List<String> blocks(String section) {
    List<String> blocks = new ArrayList<>();
    Matcher block = SH_BLOCK.matcher(section);
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
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

  /** {@code ./infrafabric}: this build's launcher on the test's class path. */
  private static void launcher(Path file) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        file,
        "#!/bin/sh\nexec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' com.infrafabric.deploy.Launcher \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static List<String> run(Path script, Path work) throws Exception {
    Path out = work.resolve("tutorial.out");
    Process process =
        new ProcessBuilder("bash", script.toString())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the tutorial finished").isTrue();
    List<String> printed = Files.readAllLines(out);
    assertThat(process.exitValue()).as(String.join("\n", printed)).isZero();
    return printed;
  }
}
