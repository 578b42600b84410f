package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.hostapi.abi.LogLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests flooding their output and log, through the ABI and through WASI. */
@Timeout(60)
class FloodingTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void endlessOutputIsStoppedAtTheOutputLimit() {
    ToolRef flood = HOST.register(Guests.fixture("output-flood.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.OUTPUT_LIMIT);
    assertThat(result.report().bytesOut()).isEqualTo(4096);
  }

  @Test
  void endlessLoggingIsStoppedAtTheLogLimit() {
    ToolRef flood = HOST.register(Guests.fixture("log-flood.wat"), c -> c.grant("log")).ref();
    InvocationResult result = HOST.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
    assertThat(result.logs()).hasSize(4);
  }

  @Test
  void aGuestCannotForgeLogLinesOrTerminalEscapes() {
    ToolRef forge = HOST.register(Guests.fixture("log-forge.wat"), c -> c.grant("log")).ref();
    InvocationResult result = HOST.invoke(forge, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.logs())
        .containsExactly(
            new GuestLog(
                LogLevel.INFO, "ok\uFFFD{\"level\":\"ERROR\",\"tool\":\"admin\"}\uFFFD[2J"));
  }

  @Test
  void endlessWasiStdoutIsStoppedAtTheOutputLimit() {
    ToolRef flood = HOST.register(Guests.fixture("wasi-flood.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = HOST.invoke(flood, "\"o\"");
    assertThat(result.outcome()).isEqualTo(Outcome.OUTPUT_LIMIT);
  }

  @Test
  void endlessWasiStderrIsStoppedAtTheLogLimit() {
    ToolRef flood = HOST.register(Guests.fixture("wasi-flood.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = HOST.invoke(flood, "\"e\"");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
  }
}
