package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests that try to keep a CPU (or a guest thread) forever. */
@Timeout(60)
class CpuExhaustionTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void anInfiniteLoopIsStoppedAtTheWallClockDeadline() {
    ToolRef spin =
        HOST.register(Guests.fixture("spin.wat"), c -> c.limit("timeoutMs", null, 300)).ref();
    InvocationResult result = HOST.invoke(spin, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(result.message()).isEqualTo("the tool ran past its deadline of 300 ms");
    assertThat(result.report().duration()).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void anInfiniteLoopIsStoppedAtItsCpuTimeLimit() {
    ToolRef spin =
        HOST.register(
                Guests.fixture("spin.wat"),
                c -> c.limit("timeoutMs", null, 10_000).limit("cpuTimeMs", null, 150))
            .ref();
    InvocationResult result = HOST.invoke(spin, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.CPU_LIMIT);
    assertThat(result.report().cpuTime()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  @Test
  void aLoopInTheStartFunctionIsStoppedWhileTheInstanceIsBeingCreated() {
    ToolRef spin =
        HOST.register(Guests.fixture("spin-in-start.wat"), c -> c.limit("timeoutMs", null, 300))
            .ref();
    assertThat(HOST.invoke(spin, "{}").outcome()).isEqualTo(Outcome.TIMEOUT);
  }

  @Test
  void aGuestBlockedInsideAHostCallIsStoppedAtTheDeadline() {
    ToolRef sleeper =
        HOST.register(
                Guests.fixture("wasi-sleep.wat"),
                c -> c.grant("wasi").limit("timeoutMs", null, 300))
            .ref();
    InvocationResult result = HOST.invoke(sleeper, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(result.report().cpuTime()).isLessThan(Duration.ofMillis(250));
  }

  @Test
  void aGuestHammeringTheHostIsStoppedAtItsHostCallLimit() {
    ToolRef flood =
        HOST.register(Guests.fixture("host-call-flood.wat"), c -> c.limit("hostCalls", "max", 500))
            .ref();
    InvocationResult result = HOST.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.HOST_CALL_LIMIT);
    assertThat(result.report().hostCalls()).isEqualTo(500);
  }

  @Test
  void spinningGuestsOnEveryThreadDoNotOutliveTheirDeadlines() throws Exception {
    ToolRef spin =
        HOST.register(Guests.fixture("spin.wat"), c -> c.limit("timeoutMs", null, 300)).ref();
    var first = HOST.chassis().invoke(spin, "{}", TestChassis.CONTEXT);
    var second = HOST.chassis().invoke(spin, "{}", TestChassis.CONTEXT);
    var third = HOST.chassis().invoke(spin, "{}", TestChassis.CONTEXT);
    for (var pending : java.util.List.of(first, second, third)) {
      assertThat(com.infrafabric.platform.testing.Await.result(pending).outcome())
          .isEqualTo(Outcome.TIMEOUT);
    }
  }
}
