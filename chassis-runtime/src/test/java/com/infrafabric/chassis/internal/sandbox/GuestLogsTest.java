package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationContext;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.platform.testing.LogCapture;
import com.infrafabric.platform.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Guest log lines reach the service log at a bounded rate per tenant and tool; drops counted. */
class GuestLogsTest {

  private static final String GUEST = "infrafabric.chassis.guest";
  private static final ToolRef TOOL = ToolRef.parse("chatty@1.0.0");
  private static final InvocationContext ACME = new InvocationContext("acme", "a-1", "inv-1");

  private final MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final GuestLogs logs = new GuestLogs(1000, 2, 5, clock, meters);

  @Test
  void aBurstIsRelayedThenTheRestIsDroppedAndCounted() {
    try (LogCapture captured = LogCapture.start()) {
      relay(TOOL, ACME, 12);
      assertThat(captured.events(GUEST)).hasSize(5);
    }
    assertThat(dropped(TOOL)).isEqualTo(7);
  }

  @Test
  void theBucketRefillsWithTheClock() {
    relay(TOOL, ACME, 5);
    clock.advance(Duration.ofSeconds(1));
    try (LogCapture captured = LogCapture.start()) {
      relay(TOOL, ACME, 5);
      assertThat(captured.events(GUEST)).hasSize(2);
    }
  }

  @Test
  void eachTenantAndToolHasItsOwnRate() {
    relay(TOOL, ACME, 10);
    try (LogCapture captured = LogCapture.start()) {
      relay(TOOL, new InvocationContext("globex", "b-1", "inv-2"), 5);
      relay(ToolRef.parse("quiet@1.0.0"), ACME, 5);
      assertThat(captured.events(GUEST)).hasSize(10);
    }
  }

  @Test
  void relayedLinesCarryTheirToolTenantAndInvocation() {
    try (LogCapture captured = LogCapture.start()) {
      logs.relay(TOOL, ACME, LogLevel.WARN, "careful");
      assertThat(captured.text())
          .contains("careful", "tool=chatty@1.0.0", "tenant=acme", "invocation=inv-1");
    }
  }

  private void relay(ToolRef tool, InvocationContext context, int lines) {
    for (int i = 0; i < lines; i++) {
      logs.relay(tool, context, LogLevel.INFO, "line " + i);
    }
  }

  private double dropped(ToolRef tool) {
    return meters.counter("chassis.guest.log.dropped", "tool", tool.toString()).count();
  }
}
