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
    // Each of the 1024 NUL bytes renders as U+FFFD, 3 bytes in the answer: with its 32 bytes the
    // entry costs 3104 of the 4096 log bytes, and a second one does not fit.
    assertThat(result.logs()).hasSize(1);
  }

  @Test
  void emptyLogMessagesCostTheirEntry() {
    ToolRef flood = HOST.register(Guests.fixture("log-empty-flood.wat"), c -> c.grant("log")).ref();
    InvocationResult result = HOST.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
    assertThat(result.logs()).hasSize(4096 / GuestLog.ENTRY_BYTES);
  }

  @Test
  void entriesPerInvocationAreBoundedWhateverTheLogBytes() {
    ToolRef flood =
        HOST.register(
                Guests.fixture("log-empty-flood.wat"),
                c ->
                    c.grant("log")
                        .limit("log", "maxBytes", 1 << 20)
                        .limit("hostCalls", "max", 10_000))
            .ref();
    InvocationResult result = HOST.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
    assertThat(result.message()).isEqualTo("the tool logged more than 1000 entries");
    assertThat(result.logs()).hasSize(1000);
  }

  @Test
  void regressionSixtyFiveThousandEmptyStderrIovecsAreChargedAsEntries() {
    ToolRef empty =
        HOST.register(
                Guests.fixture("wasi-empty-iovecs.wat"),
                c -> c.grant("wasi").limit("memory", "maxPages", 16))
            .ref();
    InvocationResult result = HOST.invoke(empty, "\"e\"");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
    assertThat(result.logs()).hasSize(4096 / GuestLog.ENTRY_BYTES);
  }

  @Test
  void emptyStdoutIovecsAddNothing() {
    ToolRef empty =
        HOST.register(
                Guests.fixture("wasi-empty-iovecs.wat"),
                c -> c.grant("wasi").limit("memory", "maxPages", 16))
            .ref();
    InvocationResult result = HOST.invoke(empty, "\"o\"");
    assertThat(result.outcome()).isEqualTo(Outcome.INVALID_OUTPUT);
    assertThat(result.report().bytesOut()).isZero();
    assertThat(result.logs()).isEmpty();
  }

  @Test
  void aGuestCannotForgeLogLinesOrTerminalEscapes() {
    ToolRef forge = HOST.register(Guests.fixture("log-forge.wat"), c -> c.grant("log")).ref();
    InvocationResult result = HOST.invoke(forge, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.logs())
        .containsExactly(
            new GuestLog(
                LogLevel.INFO,
                "ok\uFFFD{\"level\":\"ERROR\",\"tool\":\"admin\"}\uFFFD[2J\uFFFDRTL\uFFFDx"));
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
