package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the shell examples of a README as a reader runs them: in one {@code bash}, from a directory
 * where {@code ./infrafabric} is this build's launcher and {@code var/} is the data of a {@code
 * serve} the test started, with the documented ports 8080 and 8081 replaced by that serve's.
 */
final class ShellExamples {

  private static final Pattern SH_BLOCK = Pattern.compile("```sh\n(.*?)\n```", Pattern.DOTALL);

  private ShellExamples() {}

  /** The bodies of the {@code sh} blocks of {@code markdown} that {@code marker} precedes. */
  static List<String> blocks(String markdown, String marker) {
    Pattern marked =
        Pattern.compile(Pattern.quote(marker) + "\n" + SH_BLOCK.pattern(), Pattern.DOTALL);
    return bodies(marked.matcher(markdown));
  }

  /** The bodies of every {@code sh} block of {@code markdown}. */
  static List<String> blocks(String markdown) {
    return bodies(SH_BLOCK.matcher(markdown));
  }

  private static List<String> bodies(Matcher block) {
    List<String> blocks = new ArrayList<>();
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }

  /**
   * {@code serve} as the reader starts it. On a loaded machine its first Redis command can miss the
   * one-second command deadline while the JVM warms up, and {@code serve} then refuses to start (it
   * fails closed); that is not what these tests are about, so it tries up to three times.
   */
  static LocalServe startServe(Path directory) throws IOException {
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

  /**
   * A working directory under {@code directory} holding the launcher and {@code serve}'s data, and
   * {@code links} (name to target) beside them.
   */
  static Path workingDirectory(Path directory, LocalServe serve, Map<String, Path> links)
      throws IOException {
    Path work = Files.createDirectory(directory.resolve("work"));
    Files.createSymbolicLink(work.resolve("var"), serve.data);
    for (Map.Entry<String, Path> link : links.entrySet()) {
      Files.createSymbolicLink(work.resolve(link.getKey()), link.getValue());
    }
    launcher(work.resolve("infrafabric"));
    return work;
  }

  /** {@code script} with the documented service addresses replaced by those of {@code serve}. */
  static String againstServe(String script, LocalServe serve) {
    return script
        .replace("http://127.0.0.1:8080", "http://127.0.0.1:" + serve.governorPort)
        .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + serve.chassisPort);
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

  /**
   * Runs {@code script} (written to {@code name} in {@code work}) with {@code bash}, without the
   * command line's configuration of the user running the tests ({@code XDG_CONFIG_HOME} points into
   * {@code work}, no {@code IF_} variables); fails unless it exits 0. The lines it printed, stdout
   * and stderr together.
   */
  static List<String> run(String script, String name, Path work) throws Exception {
    Path file = Files.writeString(work.resolve(name + ".sh"), script);
    Path out = work.resolve(name + ".out");
    ProcessBuilder builder =
        new ProcessBuilder("bash", file.toString())
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder
        .environment()
        .put("XDG_CONFIG_HOME", Files.createDirectories(work.resolve("config")).toString());
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("IF_") || key.equals("REDIS_URL"));
    Process process = builder.start();
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as(name + " finished").isTrue();
    List<String> printed = Files.readAllLines(out);
    assertThat(process.exitValue()).as(String.join("\n", printed)).isZero();
    return printed;
  }
}
