package com.infrafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.platform.testing.HttpTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: on SIGTERM the JVM runs every shutdown hook at once, and the embedded redis-server's
 * own hook killed it (SIGKILL) at the start of the node's drain: the commits of gateway calls that
 * finished during the drain failed, the server's log had no record of a shutdown, and writes of its
 * last second could be lost. Now {@code serve} stops the server itself, last, with SHUTDOWN.
 */
@Timeout(120)
class ServeShutdownTest {

  @TempDir Path directory;

  @Test
  void sigtermDrainsTheServicesThenShutsTheEmbeddedRedisDown() throws Exception {
    int governorPort = LocalServe.freePort();
    int chassisPort = LocalServe.freePort();
    Path config =
        Files.writeString(
            directory.resolve("serve.properties"),
            "http.port="
                + governorPort
                + "\nchassis.http.port="
                + chassisPort
                + "\nredis.commandTimeout=10s\n");
    Path data = directory.resolve("var");
    Process serve = ServeChild.launch(config, data, directory.resolve("serve.log"));
    try {
      HttpTestClient governor = new HttpTestClient(governorPort);
      ServeChild.awaitListening(governor, data);
      List<ProcessHandle> redis = serve.descendants().filter(child -> isRedis(child)).toList();
      assertThat(redis).hasSize(1);

      serve.toHandle().destroy(); // SIGTERM

      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(redis.get(0).isAlive())
          .as("redis-server outlived serve: %s", Files.readString(directory.resolve("serve.log")))
          .isFalse();
      assertThat(Files.readString(data.resolve("redis/redis.log")))
          .as("the embedded redis-server's log")
          .contains("User requested shutdown")
          .contains("ready to exit, bye bye");
    } finally {
      serve.destroyForcibly();
    }
  }

  private static boolean isRedis(ProcessHandle process) {
    return process.info().command().orElse("").contains("redis");
  }
}
