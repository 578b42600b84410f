package com.infrafabric.deploy;

import static org.awaitility.Awaitility.await;

import com.infrafabric.platform.testing.HttpTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code serve} as a child JVM on the test's class path, so that what a signal does to it (and to
 * the redis-server it starts) can be seen from outside, as an operator's init system would.
 */
final class ServeChild {

  private ServeChild() {}

  /** Starts {@code serve --config config --data data}, its output into {@code log}. */
  static Process launch(Path config, Path data, Path log) throws IOException {
    return new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-cp",
            System.getProperty("java.class.path"),
            Launcher.class.getName(),
            "serve",
            "--config",
            config.toString(),
            "--data",
            data.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * Waits until both services listen: the governor ready, and the tokens written, which {@code
   * serve} does once both started, just before it sets its SIGTERM hook.
   */
  static void awaitListening(HttpTestClient governor, Path data) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                governor.get("/health/ready", null).statusCode() == 200
                    && Files.exists(data.resolve("tokens/operator.jwt")));
  }
}
