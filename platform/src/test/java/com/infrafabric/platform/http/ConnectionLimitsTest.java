package com.infrafabric.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

  /**
   * Regression: a body's deadline grew with its announced length, so a client announcing 11 MB
   * could hold what it sent for 690 s at 16 B/s; now no body takes longer than maxBodyTime.
   */
  @Test
  void noBodysDeadlineExceedsTheLongestABodyMayTake() {
    ConnectionLimits limits = ConnectionLimits.defaults();

    assertThat(limits.bodyDeadline(16 * 1024)).isEqualTo(Duration.ofSeconds(6));
    assertThat(limits.bodyDeadline(11_250_348)).isEqualTo(Duration.ofMinutes(2));
    assertThat(limits.bodyDeadline(Long.MAX_VALUE / 1000)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void theBodyBytesInFlightAreBoundedBothWays() {
    ConnectionLimits limits = ConnectionLimits.defaults();

    assertThat(limits.bodyBytesInFlight())
        .isEqualTo(Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 16));
    assertThatThrownBy(() -> limits.withBodyBytesInFlight(1024))
        .hasMessage("http.bodyBytesInFlight 1024 is outside 1048576..17179869184");
  }
}
