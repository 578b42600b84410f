package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Guests that try to take more linear memory than their contract allows. */
@Timeout(60)
class MemoryExhaustionTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  @Test
  void memoryGrowBeyondTheContractIsRefusedEvenThoughTheModuleDeclaresNoMaximum() {
    ToolRef grow = HOST.register(Guests.fixture("grow-memory.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(grow, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
    assertThat(result.output()).isEqualTo("\"refused\"");
    assertThat(result.report().peakMemoryPages()).isEqualTo(1);
  }

  @Test
  void memoryGrowWithinTheContractIsGranted() {
    ToolRef grow =
        HOST.register(Guests.fixture("grow-memory.wat"), c -> c.limit("memory", "maxPages", 128))
            .ref();
    InvocationResult result = HOST.invoke(grow, "{}");
    assertThat(result.output()).isEqualTo("\"granted\"");
    assertThat(result.report().peakMemoryPages()).isEqualTo(101);
  }

  @Test
  void aGuestThatTrapsAtItsMemoryLimitIsReportedAsSuch() {
    ToolRef greedy = HOST.register(Guests.fixture("grow-until-trap.wat"), c -> c).ref();
    InvocationResult result = HOST.invoke(greedy, "{}");
    assertThat(result.outcome()).isEqualTo(Outcome.MEMORY_LIMIT);
    assertThat(result.report().peakMemoryPages()).isEqualTo(4);
  }

  @Test
  void aModuleDeclaringMoreInitialMemoryThanItsContractIsRefusedBeforeAnyAllocation() {
    byte[] module =
        Guests.wat(
            "(module (memory (export \"memory\") 20000) (func (export \"run\") (result i32) i32.const 0))");
    assertThatThrownBy(() -> HOST.register(module, c -> c))
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
                HOST.register(Guests.wat(Guests.ECHO), c -> c.limit("memory", "maxPages", 70_000)))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("memory.maxPages 70000 exceeds the operator cap of 1024");
  }
}
