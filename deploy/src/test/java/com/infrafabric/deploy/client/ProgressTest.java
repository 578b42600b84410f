package com.infrafabric.deploy.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The indicator a long request shows on stderr, and its silence for a quick one. */
@Timeout(30)
class ProgressTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

  private String shown() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSlowRequestShowsItsLabelThenDotsThenDone() {
    try (Progress progress =
        Progress.start(stream, "publishing echo.wasm", Duration.ZERO, Duration.ofMillis(5))) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> shown().startsWith("publishing echo.wasm ...."));
      progress.succeeded();
    }

    assertThat(shown()).matches("publishing echo\\.wasm \\.{3,} done\\R");
  }

  @Test
  void aSlowRequestThatFailsSaysSo() {
    try (Progress progress =
        Progress.start(stream, "running echo@1.0.0", Duration.ZERO, Duration.ofMillis(5))) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !shown().isEmpty());
    }

    assertThat(shown()).endsWith(" failed" + System.lineSeparator());
  }

  @Test
  void aQuickAnswerShowsNothing() {
    try (Progress progress = Progress.start(stream, "publishing echo.wasm")) {
      progress.succeeded();
    }

    assertThat(shown()).isEmpty();
  }
}
