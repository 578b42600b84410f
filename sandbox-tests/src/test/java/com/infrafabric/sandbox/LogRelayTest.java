package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A guest's log lines all reach its answer, but only a bounded number per second reach the service
 * log the operator pays for; the rest are counted.
 */
@Timeout(60)
class LogRelayTest {

  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.guestLogs(new OperatorSettings.GuestLogSettings(1000, 1, 50)),
          HostResolver.system());

  @Test
  void aChattyToolFillsItsAnswerButNotTheServiceLog() {
    ToolRef chatty =
        HOST.register(
                Guests.fixture("log-lines.wat"),
                c -> c.grant("log").limit("log", "maxBytes", 16 << 10))
            .ref();
    InvocationResult result;
    try (LogCapture captured = LogCapture.start()) {
      result = HOST.invoke(chatty, "{}");
      assertThat(captured.events("infrafabric.chassis.guest")).hasSize(50);
    }
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.logs()).hasSize(200);
    assertThat(
            HOST.host()
                .meters()
                .counter("chassis.guest.log.dropped", "tool", chatty.toString())
                .count())
        .isEqualTo(150);
  }
}
