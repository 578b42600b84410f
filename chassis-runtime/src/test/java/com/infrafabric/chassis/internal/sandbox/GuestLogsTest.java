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

  /**
   * Regression: the relay counted lines, not bytes, and a line may be as long as a contract's log
   * bytes: 60 invocations each logging one 1,000,000-byte line grew the service log by 60 MB in 5.4
   * s, with nothing dropped.
   */
  @Test
  void aLongLineIsCutToABoundWithAMarkerSayingHowMuchWasCut() {
    try (LogCapture captured = LogCapture.start()) {
      logs.relay(TOOL, ACME, LogLevel.ERROR, "x".repeat(1_000_000));
      String relayed = captured.events(GUEST).get(0).getFormattedMessage();
      assertThat(relayed)
          .startsWith("x".repeat(GuestLogs.RELAYED_LINE_BYTES))
          .endsWith(" [cut: 998976 more bytes not relayed]")
          .hasSizeLessThan(GuestLogs.RELAYED_LINE_BYTES + 64);
    }
  }

  @Test
  void aCutNeverSplitsACharacter() {
    String text = "a" + "\u00e9".repeat(1000);

    String cut = GuestLogs.cut(text);

    assertThat(cut).startsWith("a" + "\u00e9".repeat(511) + " [cut: 978 more bytes");
  }

  @Test
  void aLineWithinTheBoundIsRelayedWhole() {
    String text = "y".repeat(GuestLogs.RELAYED_LINE_BYTES);

    assertThat(GuestLogs.cut(text)).isEqualTo(text);
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
