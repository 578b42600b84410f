package com.infrafabric.platform.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ManagedRedisServerTest {

  @TempDir Path directory;

  @Test
  void startsOnLoopbackWithPasswordAndSurvivesKillWithItsData() throws Exception {
    try (ManagedRedisServer server = ManagedRedisServer.builder(directory).build().start()) {
      RedisEndpoint endpoint = server.endpoint();
      assertThat(endpoint.host()).isEqualTo("127.0.0.1");
      assertThat(RespProbe.ping(endpoint, Duration.ofSeconds(1))).isNull();
      assertThat(
              RespProbe.ping(
                  new RedisEndpoint("127.0.0.1", endpoint.port(), "wrong"), Duration.ofSeconds(1)))
          .isEqualTo("AUTH refused");

      server.killHard();
      assertThat(server.isRunning()).isFalse();
      assertThat(RespProbe.ping(endpoint, Duration.ofMillis(200))).isNotNull();

      server.start();
      assertThat(server.endpoint().port()).isEqualTo(endpoint.port());
      assertThat(RespProbe.ping(endpoint, Duration.ofSeconds(1))).isNull();
      assertThat(directory.resolve("appendonlydir")).isDirectory();
    }
  }

  /**
   * Regression (probe): a second {@code serve} on the same {@code --data} started a second server
   * on the same directory, which rewrote the configuration and appended to the same append-only
   * file until it no longer loaded. The second is refused before it writes anything, and the first
   * keeps the directory across a crash and a restart.
   */
  @Test
  void aSecondServerOnTheSameDirectoryIsRefusedBeforeItWritesAnything() throws Exception {
    try (ManagedRedisServer first = ManagedRedisServer.builder(directory).build().start()) {
      String config = Files.readString(directory.resolve("redis.conf"));
      ManagedRedisServer second = ManagedRedisServer.builder(directory).build();

      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already uses " + directory.toAbsolutePath());
      assertThat(Files.readString(directory.resolve("redis.conf"))).isEqualTo(config);

      first.killHard();
      first.start();
      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class);
    }
    try (ManagedRedisServer after = ManagedRedisServer.builder(directory).build().start()) {
      assertThat(RespProbe.ping(after.endpoint(), Duration.ofSeconds(1))).isNull();
    }
  }

  @Test
  void keepsThePasswordOffTheCommandLineAndInAPrivateFile() throws Exception {
    try (ManagedRedisServer server =
        ManagedRedisServer.builder(directory).password("canary-password-123").build().start()) {
      String commandLines =
          ProcessHandle.current()
              .children()
              .map(child -> readCommandLine(child.pid()))
              .filter(line -> line.contains("redis"))
              .reduce("", String::concat);
      assertThat(commandLines).isNotEmpty().doesNotContain("canary-password-123");
      assertThat(Files.getPosixFilePermissions(directory.resolve("redis.conf")))
          .extracting(Object::toString)
          .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
      assertThat(server.endpoint().toString()).doesNotContain("canary-password-123");
    }
  }

  private static String readCommandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void aServerDoesNotOutliveAnOwnerThatDiesWithoutShutdownHooks() throws Exception {
    Process owner =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                HaltingOwner.class.getName(),
                directory.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(owner.getInputStream().readAllBytes()).strip();
    owner.waitFor();
    long redisPid = Long.parseLong(output.substring(output.lastIndexOf('\n') + 1).strip());

    await()
        .atMost(Duration.ofSeconds(10))
        .alias("redis-server " + redisPid + " outlived its owner")
        .until(() -> !ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false));
  }

  /**
   * stop() asks for SHUTDOWN and waits: the server writes its append-only file out and logs its
   * exit, and what was written before it is there after a restart.
   */
  @Test
  void stopShutsTheServerDownWithItsWritesOnDisk() throws Exception {
    try (ManagedRedisServer server = ManagedRedisServer.builder(directory).build().start()) {
      assertThat(DrainingOwner.set(server.endpoint(), "kept", "yes")).isEqualTo("+OK");

      server.stop();

      assertThat(server.isRunning()).isFalse();
      assertThat(Files.readString(server.log()))
          .contains("User requested shutdown")
          .contains("ready to exit, bye bye");
      server.start();
      assertThat(DrainingOwner.set(server.endpoint(), "kept", "again")).isEqualTo("+OK");
      assertThat(Files.readString(server.log())).contains("DB loaded from append only file");
    }
  }

  /**
   * Regression: on SIGTERM the JVM runs every shutdown hook at once, and the server's own hook
   * killed it while the owner's hook was still draining requests, whose settling writes then
   * failed. An owner that stops the server in its own sequence has it until it does.
   */
  @Test
  void anOwnerThatStopsTheServerItselfHasItUntilItsDrainIsDone() throws Exception {
    Process owner =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                DrainingOwner.class.getName(),
                directory.toString(),
                "1500")
            .redirectErrorStream(true)
            .start();
    java.io.BufferedReader out =
        new java.io.BufferedReader(new java.io.InputStreamReader(owner.getInputStream()));
    long redisPid = Long.parseLong(out.readLine().strip());

    owner.toHandle().destroy(); // SIGTERM, leaving the owner's output open to read
    String rest = out.lines().collect(java.util.stream.Collectors.joining("\n")).strip();
    owner.waitFor();

    assertThat(rest).isEqualTo("settled +OK");
    assertThat(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(directory.resolve("redis.log"))).contains("ready to exit, bye bye");
  }

  @Test
  void saysWhatToInstallWhenTheBinaryIsMissing() {
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory).executable("no-such-redis-server-binary").build();
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was not found on PATH")
        .hasMessageContaining("REDIS_URL");
  }

  @Test
  void parsesTheMajorVersion() {
    assertThat(
            ManagedRedisServer.majorVersion("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc"))
        .isEqualTo(7);
    assertThat(ManagedRedisServer.majorVersion("Redis server v=6.2.1 sha=0")).isEqualTo(6);
    assertThat(ManagedRedisServer.majorVersion("garbage")).isEqualTo(-1);
  }

  /** A server that needs seconds before its first answer, as on a loaded machine, still starts. */
  @Test
  void waitsWithBackoffForAServerThatAnswersLate() throws Exception {
    Path slow = directory.resolve("slow-redis-server");
    Files.writeString(
        slow,
        "#!/bin/sh\n"
            + "[ \"$1\" = --version ] && exec redis-server --version\n"
            + "sleep 3\n"
            + "exec redis-server \"$@\"\n");
    slow.toFile().setExecutable(true);
    long start = System.nanoTime();
    try (ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("data")).executable(slow.toString()).build()) {
      server.start();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
      assertThat(RespProbe.ping(server.endpoint(), Duration.ofSeconds(5))).isNull();
    }
  }

  @Test
  void givesUpAtTheStartTimeoutWhenTheServerNeverAnswers() throws Exception {
    Path mute = directory.resolve("mute-redis-server");
    Files.writeString(
        mute,
        "#!/bin/sh\n"
            + "[ \"$1\" = --version ] && exec redis-server --version\n"
            + "exec sleep 60\n");
    mute.toFile().setExecutable(true);
    ManagedRedisServer server =
        ManagedRedisServer.builder(directory.resolve("mute"))
            .executable(mute.toString())
            .port(freePort())
            .startTimeout(Duration.ofSeconds(2))
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not ready after 2000 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
