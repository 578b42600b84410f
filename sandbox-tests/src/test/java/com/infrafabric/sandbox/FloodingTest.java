package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.GuestLog;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.hostapi.abi.LogLevel;
import com.infrafabric.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests flooding their output and log, through the ABI and through WASI. */
class FloodingTest extends EscapeTest {

  @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.create();

  @BeforeAll
  static void start() {
    host = TestChassis.start(REDIS.endpoint(), EscapeTest::testSandbox, HostResolver.system());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  @Test
  void endlessOutputIsStoppedAtTheOutputLimit() {
    ToolRef flood = host.register(Guests.fixture("output-flood.wat"), c -> c).ref();
    InvocationResult result = host.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.OUTPUT_LIMIT);
    assertThat(result.report().bytesOut()).isEqualTo(4096);
  }

  @Test
  void endlessLoggingIsStoppedAtTheLogLimit() {
    ToolRef flood = host.register(Guests.fixture("log-flood.wat"), c -> c.grant("log")).ref();
    InvocationResult result = host.invoke(flood, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
    assertThat(result.logs()).hasSize(4);
  }

  @Test
  void aGuestCannotForgeLogLinesOrTerminalEscapes() {
    ToolRef forge = host.register(Guests.fixture("log-forge.wat"), c -> c.grant("log")).ref();
    InvocationResult result = host.invoke(forge, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.logs())
        .containsExactly(
            new GuestLog(
                LogLevel.INFO, "ok\uFFFD{\"level\":\"ERROR\",\"tool\":\"admin\"}\uFFFD[2J"));
  }

  @Test
  void endlessWasiStdoutIsStoppedAtTheOutputLimit() {
    ToolRef flood = host.register(Guests.fixture("wasi-flood.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = host.invoke(flood, "\"o\"");
    assertThat(result.outcome()).isEqualTo(Outcome.OUTPUT_LIMIT);
  }

  @Test
  void endlessWasiStderrIsStoppedAtTheLogLimit() {
    ToolRef flood = host.register(Guests.fixture("wasi-flood.wat"), c -> c.grant("wasi")).ref();
    InvocationResult result = host.invoke(flood, "\"e\"");
    assertThat(result.outcome()).isEqualTo(Outcome.LOG_LIMIT);
  }
}
