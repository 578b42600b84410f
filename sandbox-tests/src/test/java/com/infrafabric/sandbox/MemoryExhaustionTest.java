package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.HostResolver;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests that try to take more linear memory than their contract allows. */
class MemoryExhaustionTest extends EscapeTest {

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
  void memoryGrowBeyondTheContractIsRefusedEvenThoughTheModuleDeclaresNoMaximum() {
    ToolRef grow = host.register(Guests.fixture("grow-memory.wat"), c -> c).ref();
    InvocationResult result = host.invoke(grow, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("\"refused\"");
    assertThat(result.report().peakMemoryPages()).isEqualTo(1);
  }

  @Test
  void memoryGrowWithinTheContractIsGranted() {
    ToolRef grow =
        host.register(Guests.fixture("grow-memory.wat"), c -> c.limit("memory", "maxPages", 128))
            .ref();
    InvocationResult result = host.invoke(grow, "{}");
    assertThat(result.output()).isEqualTo("\"granted\"");
    assertThat(result.report().peakMemoryPages()).isEqualTo(101);
  }

  @Test
  void aGuestThatTrapsAtItsMemoryLimitIsReportedAsSuch() {
    ToolRef greedy = host.register(Guests.fixture("grow-until-trap.wat"), c -> c).ref();
    InvocationResult result = host.invoke(greedy, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.MEMORY_LIMIT);
    assertThat(result.report().peakMemoryPages()).isEqualTo(4);
  }

  @Test
  void aModuleDeclaringMoreInitialMemoryThanItsContractIsRefusedBeforeAnyAllocation() {
    byte[] module =
        Guests.wat(
            "(module (memory (export \"memory\") 20000) (func (export \"run\") (result i32) i32.const 0))");
    assertThatThrownBy(() -> host.register(module, c -> c))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MODULE_TOO_LARGE))
        .hasMessage(
            "module declares 20000 initial memory pages, above the contract's memory.maxPages of 4");
  }

  @Test
  void aContractAskingForMoreMemoryThanTheOperatorCapIsRefused() {
    assertThatThrownBy(
            () ->
                host.register(Guests.wat(Guests.ECHO), c -> c.limit("memory", "maxPages", 70_000)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("memory.maxPages 70000 exceeds the operator cap of 1024");
  }
}
