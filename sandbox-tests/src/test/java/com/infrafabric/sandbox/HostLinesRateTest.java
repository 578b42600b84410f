package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.OperatorSettings;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.platform.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression: lines the host writes into the service log because of what a guest did went around
 * the rate its tenant and tool have there for the guest's own entries. One invocation making 100
 * refused requests wrote 100 "egress refused" lines with the resolved address; a WASI call with a
 * negative length wrote a 2 KB stack trace per invocation. Every such line now takes its place in
 * the same per-tenant-and-tool bucket as the guest's entries, and the rest are counted as dropped.
 */
@Timeout(60)
class HostLinesRateTest {

  private static final int BURST = 20;

  // One line a second per tenant and tool, bursts of 20; every name resolves to a private address.
  @RegisterExtension
  static final SandboxHost HOST =
      SandboxHost.create(
          config -> config.guestLogs(new OperatorSettings.GuestLogSettings(1000, 1, BURST)),
          name -> List.of(InetAddress.getByName("10.0.0.5")));

  @Test
  void egressRefusalsReachTheServiceLogAtTheToolsRate() {
    ToolRef proxy =
        HOST.register(
                Guests.fixture("http-proxy.wat"),
                c -> c.grantHttp(List.of("https://internal.test:443"), 1, 1000, 1024))
            .ref();
    String input = new JsonObject().put("url", "https://internal.test/").encode();
    try (LogCapture captured = LogCapture.start()) {
      for (int i = 0; i < 3 * BURST; i++) {
        assertThat(HOST.invoke(proxy, input).outcome()).isEqualTo(Outcome.TOOL_ERROR);
      }
      List<?> egress = captured.events("infrafabric.chassis.egress");
      assertThat(egress).isNotEmpty();
      assertThat(egress.size() + captured.events("infrafabric.chassis.guest").size())
          .isLessThanOrEqualTo(BURST + 1);
    }
  }

  @Test
  void runtimeFailuresAGuestCausesReachTheServiceLogAtTheToolsRate() {
    ToolRef negative =
        HOST.register(
                Guests.wat(
                    """
                    (module
                      (import "wasi_snapshot_preview1" "fd_read"
                        (func $fd_read (param i32 i32 i32 i32) (result i32)))
                      (memory (export "memory") 1)
                      (func (export "_start")
                        (i32.store (i32.const 0) (i32.const 64))
                        (i32.store (i32.const 4) (i32.const -1))
                        (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
                    """),
                c -> c.grant("wasi"))
            .ref();
    try (LogCapture captured = LogCapture.start()) {
      for (int i = 0; i < 3 * BURST; i++) {
        InvocationResult result = HOST.invoke(negative, "{}");
        assertThat(result.outcome()).as(result.message()).isEqualTo(Outcome.TRAP);
      }
      assertThat(
              captured.events().stream()
                  .filter(e -> e.getFormattedMessage().startsWith("a guest made the runtime fail")))
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(BURST + 1);
    }
  }
}
