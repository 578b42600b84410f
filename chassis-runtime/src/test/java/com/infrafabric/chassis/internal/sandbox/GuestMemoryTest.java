package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.infrafabric.chassis.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestMemoryTest {

  private final Memory memory = new ByteArrayMemory(new MemoryLimits(1, 1));

  @Test
  void copiesARangeThatEndsExactlyAtTheEndOfMemory() {
    memory.write(65_534, new byte[] {7, 8}, 0, 2);
    assertThat(GuestMemory.read(memory, "output_write", 65_534, 2)).containsExactly(7, 8);
    assertThat(GuestMemory.read(memory, "output_write", 65_536, 0)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "65535, 2, 65535, 65537",
    "0, 65537, 0, 65537",
    "-1, 1, 4294967295, 4294967296",
    "0, -1, 0, 4294967295",
    "-16, 32, 4294967280, 4294967312",
    "65536, 1, 65536, 65537",
    "2147483647, 2147483647, 2147483647, 4294967294"
  })
  void trapsOnEveryRangeOutsideMemoryWithoutWrappingAround(int ptr, int len, long start, long end) {
    assertThatThrownBy(() -> GuestMemory.read(memory, "output_write", ptr, len))
        .isInstanceOfSatisfying(
            GuestHalt.class, h -> assertThat(h.outcome()).isEqualTo(Outcome.TRAP))
        .hasMessage(
            "infrafabric.output_write: range ["
                + start
                + ", "
                + end
                + ") lies outside linear memory of 65536 bytes");
  }

  @Test
  void checksTheWholeGuestBufferBeforeWritingEvenWhenTheDataIsShorter() {
    assertThatThrownBy(() -> GuestMemory.write(memory, "input_read", 65_530, 100, new byte[] {1}))
        .isInstanceOf(GuestHalt.class);
    assertThat(memory.read(65_530)).isZero();
  }

  @Test
  void treatsAModuleWithoutMemoryAsZeroBytes() {
    assertThatThrownBy(() -> GuestMemory.read(null, "log", 0, 1))
        .hasMessage("infrafabric.log: range [0, 1) lies outside linear memory of 0 bytes");
    assertThat(GuestMemory.read(null, "log", 0, 0)).isEmpty();
  }
}
