package com.infrafabric.deploy.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.infrafabric.deploy.FakeService;
import com.infrafabric.deploy.Launcher;
import com.infrafabric.deploy.cli.CliContext;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code backup --out} leaves on disk: a whole backup under the name given, or, when the
 * backup fails, nothing it created (regression: a refused connection left an empty directory that a
 * later backup then had to be given another name for).
 */
@Timeout(60)
class BackupDirectoryTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @TempDir Path directory;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aFailedBackupRemovesTheDirectoriesItCreated() throws IOException {
    Path out = directory.resolve("new").resolve("nested").resolve("backup");

    assertThat(backup(out, unreachable())).isEqualTo(1);

    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Redis at redis://127.0.0.1:");
    assertThat(entries(directory)).isEmpty();
  }

  @Test
  void aFailedBackupKeepsTheEmptyDirectoryItWasGiven() throws IOException {
    Path out = Files.createDirectory(directory.resolve("given"));

    assertThat(backup(out, unreachable())).isEqualTo(1);

    assertThat(entries(directory)).containsExactly("given");
    assertThat(entries(out)).isEmpty();
  }

  @Test
  void aBackupIntoAGivenEmptyDirectoryFillsItAndLeavesNothingBeside() throws IOException {
    Path out = Files.createDirectory(directory.resolve("given"));

    assertThat(backup(out, url(REDIS.endpoint()))).as(err.toString()).isZero();

    assertThat(entries(directory)).containsExactly("given");
    assertThat(entries(out)).containsExactlyInAnyOrder("dump.rdb", "manifest.json", "SHA256SUMS");
  }

  /**
   * Regression: a backup killed outright (SIGKILL) left its staging directory, and every later one
   * too, until the operator deleted them by hand. The next backup of the same target deletes those
   * of runs that are gone; a running one's, another target's, and anything not named as a staging
   * directory stay, and a link is not followed.
   */
  @Test
  void aBackupDeletesTheStagingDirectoriesKilledRunsOfItsTargetLeft() throws Exception {
    long gone = finishedProcessId();
    long running = ProcessHandle.current().pid();
    Path precious = Files.createDirectories(directory.resolve("precious"));
    Files.writeString(precious.resolve("keep"), "x");
    for (String abandoned :
        List.of(".given.partial-" + gone + "-1", ".given.partial-" + gone + "-2")) {
      Files.writeString(
          Files.createDirectory(directory.resolve(abandoned)).resolve("dump.rdb"), "x");
    }
    Files.createDirectory(directory.resolve(".given.partial-" + running + "-3"));
    Files.createDirectory(directory.resolve(".other.partial-" + gone + "-4"));
    Files.createDirectory(directory.resolve(".given.partial-5"));
    Files.createSymbolicLink(directory.resolve(".given.partial-" + gone + "-6"), precious);

    assertThat(backup(directory.resolve("given"), url(REDIS.endpoint())))
        .as(err.toString())
        .isZero();

    assertThat(entries(directory))
        .containsExactlyInAnyOrder(
            "given",
            "precious",
            ".given.partial-" + running + "-3",
            ".other.partial-" + gone + "-4",
            ".given.partial-5",
            ".given.partial-" + gone + "-6");
    assertThat(entries(precious)).containsExactly("keep");
  }

  private static long finishedProcessId() throws Exception {
    Process process = new ProcessBuilder("true").start();
    process.waitFor();
    return process.pid();
  }

  /**
   * Regression: a --redis-url naming a web server's port logged the Redis client's "Unhandled
   * Error" with its stack trace before the one line that said why the backup failed.
   */
  @Test
  void aServerThatIsNotRedisIsNamedInOneLineAndNothingIsLogged() throws IOException {
    try (FakeService web = FakeService.recording("Host");
        LogCapture logs = LogCapture.start()) {
      int port = URI.create(web.url()).getPort();

      assertThat(backup(directory.resolve("b"), "redis://127.0.0.1:" + port + "/0")).isEqualTo(2);

      assertThat(logs.events()).filteredOn(event -> event.getLevel() == Level.ERROR).isEmpty();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(
              "infrafabric: the server at 127.0.0.1:"
                  + port
                  + " is not Redis: it answered PING with \"HTTP/1.1 400 Bad Request\"\n");
      assertThat(entries(directory)).isEmpty();
    }
  }

  private int backup(Path out, String url) {
    err.reset();
    return Launcher.run(
        new CliContext(
            Map.of(),
            Clock.systemUTC(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)),
        "backup",
        "--out",
        out.toString(),
        "--redis-url",
        url);
  }

  /** A loopback port nothing listens on (it did a moment ago, so nobody else took it). */
  private static String unreachable() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "redis://127.0.0.1:" + socket.getLocalPort() + "/0";
    }
  }

  private static String url(RedisEndpoint redis) {
    return "redis://:"
        + URLEncoder.encode(redis.password(), StandardCharsets.UTF_8)
        + "@127.0.0.1:"
        + redis.port()
        + "/0";
  }

  private static List<String> entries(Path directory) throws IOException {
    try (Stream<Path> present = Files.list(directory)) {
      return present.map(path -> path.getFileName().toString()).toList();
    }
  }
}
