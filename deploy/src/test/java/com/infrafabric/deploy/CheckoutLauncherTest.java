package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./infrafabric} script, run on a copy of it in a miniature checkout with a
 * fake {@code mvn}: it rebuilds only when something the build reads changed (regression: a
 * contract.json that {@code tool init} wrote into the checkout rebuilt everything), and a rebuild
 * never rewrites the jar a running {@code serve} has open.
 */
@Timeout(60)
class CheckoutLauncherTest {

  private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");

  /**
   * Plays Maven as the poms configure it: writes the jar to {@code -Ddist.jar}, else in place at
   * its usual path; and, like Maven 3.8, ends with a colour reset unless jansi.noreset is set.
   */
  private static final String FAKE_MVN =
      """
      #!/usr/bin/env bash
      echo "$@" >> "$FAKE_MVN_LOG"
      out=deploy/target/dist/lib/infrafabric.jar
      for arg in "$@"; do case "$arg" in -Ddist.jar=*) out="${arg#-Ddist.jar=}";; esac; done
      printf new > "$out"
      case "${MAVEN_OPTS:-}" in *-Djansi.noreset=true*) ;; *) printf '\\033[0m' >&2;; esac
      """;

  @TempDir Path checkout;
  @TempDir Path bin;

  private Path jar;
  private String stderr = "";

  @BeforeEach
  void miniatureCheckout() throws IOException {
    Path script = checkout.resolve("infrafabric");
    Files.copy(Path.of("..", "infrafabric"), script);
    write(
        "pom.xml",
        "<project>\n  <modules>\n    <module>host-api</module>\n    <module>deploy</module>\n"
            + "  </modules>\n</project>\n");
    write("host-api/pom.xml", "<project/>\n");
    write("host-api/src/main/c/abi.c", "");
    write("host-api/sdk/rust/src/lib.rs", "");
    write(
        "deploy/pom.xml",
        "<project>\n      <resource>\n        <directory>../host-api/sdk/rust/src</directory>\n"
            + "      </resource>\n</project>\n");
    write("deploy/src/main/java/Main.java", "");
    write("deploy/target/dist/bin/infrafabric", "echo launched \"$@\"\n");
    jar = write("deploy/target/dist/lib/infrafabric.jar", "old");
    try (var files = Files.walk(checkout)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, FileTime.from(BUILT.minusSeconds(3600)));
      }
    }
    Files.setLastModifiedTime(jar, FileTime.from(BUILT));
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, FAKE_MVN);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void filesTheBuildDoesNotReadNeverTriggerABuild() throws Exception {
    newer(write("cd-greeter/contract.json", "{}"));
    newer(write("cd-greeter/src/lib.rs", ""));
    newer(write("var/keys/jwks.json", "{}"));
    newer(write("host-api/sdk/rust/target/debug/tool.wasm", ""));

    assertThat(run()).isEqualTo("launched --version\n");
    assertThat(checkout.resolve("mvn.log")).doesNotExist();
  }

  @Test
  void aChangedSourceRebuildsIntoANewFileAndLeavesTheRunningJarIntact() throws Exception {
    Path running = Files.createLink(checkout.resolve("running.jar"), jar);
    newer(checkout.resolve("host-api/sdk/rust/src/lib.rs"));

    assertThat(run()).isEqualTo("launched --version\n");

    assertThat(Files.readString(checkout.resolve("mvn.log"))).contains("-Dstyle.color=never");
    assertThat(Files.readString(jar)).isEqualTo("new");
    assertThat(Files.readString(running)).isEqualTo("old");
    assertThat(stderr).doesNotContain("\u001b");
    try (var left = Files.list(jar.getParent())) {
      assertThat(left.map(Path::getFileName).map(Path::toString))
          .containsExactly("infrafabric.jar");
    }
  }

  @Test
  void aNewModuleSourceRebuilds() throws Exception {
    newer(write("deploy/src/main/resources/infrafabric-logback.xml", "<configuration/>"));

    run();

    assertThat(Files.readString(jar)).isEqualTo("new");
  }

  private String run() throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", checkout.resolve("infrafabric").toString(), "--version");
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("FAKE_MVN_LOG", checkout.resolve("mvn.log").toString());
    builder.environment().remove("MAVEN_OPTS");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(stderr).isZero();
    return out;
  }

  private Path write(String relative, String content) throws IOException {
    Path file = checkout.resolve(relative);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static void newer(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(BUILT.plusSeconds(60)));
  }
}
