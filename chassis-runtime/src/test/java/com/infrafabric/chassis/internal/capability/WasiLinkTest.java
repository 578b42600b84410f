package com.infrafabric.chassis.internal.capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.internal.sandbox.GuestHalt;
import com.infrafabric.chassis.internal.sandbox.GuestLogs;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.hostapi.contract.ResourceLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression: Chicory's {@code fd_write} copies each iovec out of guest memory before the output or
 * log sees it, so a 64 MiB iovec cost the host 64 MiB (and, for stderr, its text) before the limit
 * stopped the tool. The host now stops the tool before the call reaches Chicory.
 */
class WasiLinkTest {

  private final Memory memory = new ByteArrayMemory(new MemoryLimits(1, 1));
  private final Invocation invocation =
      new Invocation(
          ToolRef.parse("wasi@1.0.0"),
          TestChassis.CONTEXT,
          ResourceLimits.builder().outputMaxBytes(4096).logMaxBytes(4096).build(),
          new byte[0],
          Optional.empty(),
          new GuestLogs(10, 10, 10, Clock.systemUTC(), new SimpleMeterRegistry()));

  @ParameterizedTest
  @CsvSource({"1, OUTPUT_LIMIT", "2, LOG_LIMIT"})
  void anIovecLongerThanWhatItsStreamHasLeftStopsTheToolBeforeItIsCopied(int fd, Outcome outcome) {
    iovecs(16, 64 << 20);

    assertThatThrownBy(
            () -> WasiLink.refuseOversizedWrite(memory, new long[] {fd, 0, 2, 64}, invocation))
        .isInstanceOfSatisfying(GuestHalt.class, h -> assertThat(h.outcome()).isEqualTo(outcome));
  }

  @ParameterizedTest
  @CsvSource({"1, 2, 1000", "2, 2, 1000", "3, 2, 67108864", "1, 100000, 67108864"})
  void iovecsThatFitOtherDescriptorsOrAnArrayOutsideMemoryAreLeftToChicory(
      int fd, long count, int second) {
    iovecs(16, second);

    assertThatCode(
            () -> WasiLink.refuseOversizedWrite(memory, new long[] {fd, 0, count, 64}, invocation))
        .doesNotThrowAnyException();
  }

  private void iovecs(int first, int second) {
    memory.writeI32(0, 32);
    memory.writeI32(4, first);
    memory.writeI32(8, 48);
    memory.writeI32(12, second);
  }
}
