package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import com.infrafabric.platform.redis.ManagedRedisServer;
import com.infrafabric.platform.redis.RedisEndpoint;
import com.infrafabric.platform.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch that cannot work stops at once with one line that says why, and leaves nothing running:
 * no listener, no embedded redis-server, no thread that keeps the process alive.
 */
@Timeout(60)
class StartupFailureTest {

  @TempDir Path directory;

  @Test
  void aGovernorPortInUseNamesTheAddressAndTheKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Throwable failure = launch(Map.of(), "http.port=" + taken.getLocalPort());

      assertOneLine(failure)
          .isEqualTo(
              "the governor did not start: 127.0.0.1:"
                  + taken.getLocalPort()
                  + " is already in use; choose another http.port (or http.host)");
    }
    assertNoEmbeddedRedisLeft();
  }

  @Test
  void aChassisPortInUseStopsTheGovernorThatStarted() throws Exception {
    int governorPort = freePort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Throwable failure =
          launch(
              Map.of(), "http.port=" + governorPort, "chassis.http.port=" + taken.getLocalPort());

      assertOneLine(failure).contains("the chassis did not start").contains("chassis.http.port");
    }
    assertNoEmbeddedRedisLeft();
    try (ServerSocket again = new ServerSocket(governorPort, 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort())
          .as("the governor's port was released")
          .isEqualTo(governorPort);
    }
  }

  /**
   * Regression: a misspelt override ({@code IF_REDIS_EMBEDED=false}) or a blank one was ignored,
   * and a node meant for a shared Redis started on a private one without a word.
   */
  @Test
  void aMisspeltOrBlankEnvironmentOverrideStopsTheLaunch() throws Exception {
    assertOneLine(launch(Map.of("IF_REDIS_EMBEDED", "false"), ports()))
        .isEqualTo("unknown environment variable IF_REDIS_EMBEDED (no config key reads it)");
    assertOneLine(launch(Map.of("IF_REDIS_EMBEDDED", " "), ports()))
        .isEqualTo("IF_REDIS_EMBEDDED is set but empty: set a value, or unset it");
    assertNoEmbeddedRedisLeft();
  }

  /** Regression: {@code serve --config /dev/zero} read until the heap was full. */
  @Test
  void anEndlessConfigFileIsRefusedAtItsCapInOneLine() throws Exception {
    Throwable failure =
        catchThrowable(
            () ->
                ServeCommand.of(
                        LaunchOptions.of(Path.of("/dev/zero"), directory, Map.of()),
                        Map.of(),
                        Clock.systemUTC())
                    .start(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .stop());
    assertThat(Launcher.exitCodeFor(failure)).isEqualTo(2);
    assertOneLine(failure).isEqualTo("config file /dev/zero holds more than 1048576 bytes");
  }

  /**
   * Regression: a config file setting one key twice was read as its last line, so the launch ran
   * with whichever line came last, unannounced.
   */
  @Test
  void aConfigFileSettingAKeyTwiceStopsTheLaunchNamingTheKey() throws Exception {
    Path config =
        Files.writeString(
            directory.resolve("twice.properties"),
            "redis.persistence=aof\nhttp.maxBodyTime=2m\nredis.persistence=none\n");
    Throwable failure =
        catchThrowable(
            () ->
                ServeCommand.of(
                        LaunchOptions.of(config, directory, Map.of()), Map.of(), Clock.systemUTC())
                    .start(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .stop());
    assertThat(Launcher.exitCodeFor(failure)).isEqualTo(2);
    assertOneLine(failure)
        .isEqualTo(
            "config file "
                + config
                + " sets redis.persistence more than once: keep the line you mean");
    assertNoEmbeddedRedisLeft();
  }

  @Test
  void aMalformedRedisUrlIsRefusedWithoutShowingItsPassword() throws Exception {
    Throwable failure =
        launch(Map.of("REDIS_URL", "redis://:hunter2-secret@exa mple:notaport/0"), ports());

    assertOneLine(failure).doesNotContain("hunter2-secret");
    assertThat(failure).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnreachableRedisIsReportedAndNothingStaysUp() throws Exception {
    int closed = freePort();
    // An outage passes: the status is 1, not the configuration error's 2, on which the shipped
    // systemd unit stops restarting.
    Throwable failure =
        launchExiting(
            1,
            Map.of("REDIS_URL", "redis://127.0.0.1:" + closed + "/0"),
            String.join("\n", ports()),
            "redis.commandTimeout=1s");

    assertOneLine(failure).startsWith("the governor did not start");
  }

  /**
   * Regression: a REDIS_URL naming a web server's port logged the Redis client's "Unhandled Error"
   * with its stack trace before the one line that said why the launch failed.
   */
  @Test
  void aServerThatIsNotRedisIsNamedInOneLineAndNothingIsLogged() throws Exception {
    try (FakeService web = FakeService.recording("Host");
        LogCapture logs = LogCapture.start()) {
      int port = URI.create(web.url()).getPort();

      Throwable failure = launch(Map.of("REDIS_URL", "redis://127.0.0.1:" + port + "/0"), ports());

      assertThat(logs.events()).filteredOn(event -> event.getLevel() == Level.ERROR).isEmpty();
      assertOneLine(failure)
          .isEqualTo(
              "the governor did not start: the server at 127.0.0.1:"
                  + port
                  + " is not Redis: it answered PING with \"HTTP/1.1 400 Bad Request\"");
    }
  }

  /**
   * Regression: both services started and reported ready on an external Redis that evicts keys
   * under memory pressure, or keeps no append-only file, and would drop budget counters, holds,
   * idempotency records and tasks. The launch now refuses it, naming the setting to change.
   */
  @Test
  void aRedisThatMayEvictOrForgetWritesIsRefusedNamingTheSettingToChange() throws Exception {
    try (ManagedRedisServer evicting =
            ManagedRedisServer.builder(directory.resolve("evicting"))
                .config("maxmemory-policy allkeys-lru")
                .build()
                .start();
        ManagedRedisServer forgetting =
            ManagedRedisServer.builder(directory.resolve("forgetting"))
                .appendOnly(false)
                .build()
                .start()) {
      assertOneLine(launch(Map.of("REDIS_URL", url(evicting)), ports()))
          .startsWith("the governor did not start: Redis 127.0.0.1:")
          .contains("maxmemory-policy is allkeys-lru")
          .endsWith("set maxmemory-policy noeviction");
      assertOneLine(launch(Map.of("REDIS_URL", url(forgetting)), ports()))
          .contains("appendonly is no")
          .contains("set appendonly yes");
      // A key-value Redis of the chassis's own counts each tenant's bytes beside its data too.
      assertOneLine(launch(Map.of("IF_CHASSIS_KV_REDIS_URL", url(evicting)), ports()))
          .startsWith("the chassis did not start: chassis.kv.redisUrl: Redis 127.0.0.1:")
          .contains("maxmemory-policy is allkeys-lru");
    }
  }

  /**
   * Regression: each of these was accepted without a word: a blank {@code REDIS_URL} started a
   * private embedded Redis, both {@code REDIS_URL} and {@code IF_REDIS_URL} let one silently win, a
   * misspelt {@code IF_LOG_LEVEL} logged everything at DEBUG, and durations that parse but make no
   * sense (a drain of 11,000 years, a sweep every millisecond) were used as given.
   */
  @Test
  void aBlankAmbiguousOrSenselessValueStopsTheLaunchNamingIt() throws Exception {
    assertOneLine(launch(Map.of("REDIS_URL", " "), ports()))
        .isEqualTo("REDIS_URL is set but blank; name the Redis (redis://...) or unset it");
    assertOneLine(
            launch(
                Map.of(
                    "REDIS_URL", "redis://127.0.0.1:1/0", "IF_REDIS_URL", "redis://127.0.0.1:2/0"),
                ports()))
        .isEqualTo("both REDIS_URL and redis.url (IF_REDIS_URL) name a Redis; set only one");
    assertOneLine(launch(Map.of("IF_LOG_LEVEL", "bogus"), ports()))
        .startsWith("IF_LOG_LEVEL is 'bogus'; use one of TRACE, DEBUG");
    assertOneLine(launch(Map.of(), "http.shutdownGrace=100000000h"))
        .isEqualTo("http.shutdownGrace PT100000000H is outside PT0.001S..PT10M");
    assertOneLine(launch(Map.of(), "budget.sweepInterval=1ms"))
        .isEqualTo("budget.sweepInterval PT0.001S is outside PT0.1S..PT1H");
    assertNoEmbeddedRedisLeft();
  }

  /**
   * Regression: with {@code redis.durability=replicated} on a Redis with no replica the node
   * started and reported ready, and then answered every reservation outcome unknown, its hold
   * applied. The launch now refuses it, naming both ways out.
   */
  @Test
  void replicatedDurabilityOnARedisWithNoReplicaIsRefused() throws Exception {
    try (ManagedRedisServer alone =
        ManagedRedisServer.builder(directory.resolve("alone")).build().start()) {
      String[] config = {
        "redis.durability=replicated", "http.port=" + freePort(), "chassis.http.port=" + freePort()
      };
      assertOneLine(launch(Map.of("REDIS_URL", url(alone)), config))
          .contains("redis.durability is replicated but no replica is online")
          .contains("set redis.durability=acknowledged");
    }
  }

  /**
   * What a replica keeps says nothing of the master whose writes it copies, and it takes none: a
   * URL naming one is refused at launch, not checked as if it were the master.
   */
  @Test
  void aRedisUrlNamingAReplicaIsRefused() throws Exception {
    try (ManagedRedisServer master =
            ManagedRedisServer.builder(directory.resolve("master")).build().start();
        ManagedRedisServer replica =
            ManagedRedisServer.builder(directory.resolve("replica"))
                .config(
                    "masterauth " + master.endpoint().password(),
                    "replicaof " + master.endpoint().host() + " " + master.endpoint().port())
                .build()
                .start()) {
      assertOneLine(launch(Map.of("REDIS_URL", url(replica)), ports()))
          .startsWith("the governor did not start: Redis 127.0.0.1:")
          .contains("answers as a replica")
          .doesNotContain(replica.endpoint().password());
    }
  }

  private static String url(ManagedRedisServer server) {
    RedisEndpoint endpoint = server.endpoint();
    return "redis://:" + endpoint.password() + "@" + endpoint.host() + ":" + endpoint.port() + "/0";
  }

  @Test
  void anUnreadableKeyFileNamesTheFile() throws Exception {
    Path keys = Files.createDirectories(directory.resolve("var/keys"));
    Path corrupt = Files.writeString(keys.resolve("signing-private.json"), "{not a key");

    Throwable failure = launch(Map.of(), ports());

    assertOneLine(failure).contains(corrupt.toString());
  }

  /** Launches with {@code env} and the config file {@code configLines}, which must fail with 2. */
  private Throwable launch(Map<String, String> env, String... configLines) throws IOException {
    return launchExiting(2, env, configLines);
  }

  private Throwable launchExiting(int status, Map<String, String> env, String... configLines)
      throws IOException {
    Path config =
        Files.writeString(directory.resolve("serve.properties"), String.join("\n", configLines));
    Path data = directory.resolve("var");
    Throwable failure =
        catchThrowable(
            () ->
                ServeCommand.of(LaunchOptions.of(config, data, Map.of()), env, Clock.systemUTC())
                    .start(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .stop());
    assertThat(failure).as("the launch must fail").isNotNull();
    assertThat(Launcher.exitCodeFor(failure)).as(String.valueOf(failure)).isEqualTo(status);
    return failure;
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(Throwable failure) {
    assertThat(failure.getMessage()).as(String.valueOf(failure)).doesNotContain("\n");
    return assertThat(failure.getMessage());
  }

  private void assertNoEmbeddedRedisLeft() {
    String conf = directory.resolve("var/redis/redis.conf").toString();
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(
                    p ->
                        p.info()
                            .arguments()
                            .map(args -> Arrays.asList(args).contains(conf))
                            .orElse(false)))
        .as("the embedded redis-server this launch started")
        .isEmpty();
  }

  private static String[] ports() throws IOException {
    return new String[] {"http.port=" + freePort(), "chassis.http.port=" + freePort()};
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
