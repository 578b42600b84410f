package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.infrafabric.chassis.Outcome;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestMemoryTest {

  private final Memory memory = new ByteArrayMemory(new MemoryLimits(1, 1));

  @Test
  void copiesARangeThatEndsExactlyAtTheEndOfMemory() {
    memory.write(65_534, new byte[] {7, 8}, 0, 2);
    assertThat(GuestMemory.read(memory, "output_write", 65_534, 2, 2)).hasValue(new byte[] {7, 8});
    assertThat(GuestMemory.read(memory, "output_write", 65_536, 0, 0)).hasValue(new byte[0]);
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
    assertThatThrownBy(() -> GuestMemory.read(memory, "output_write", ptr, len, Long.MAX_VALUE))
        .isInstanceOfSatisfying(
            GuestHalt.class, h -> assertThat(h.outcome()).isEqualTo(Outcome.TRAP))
        .hasMessage(
            "infrafabric.output_write: range ["
                + start
                + ", "
                + end
                + ") lies outside linear memory of 65536 bytes");
  }

  /**
   * Regression: host functions copied whatever range a guest named, up to its whole memory, and
   * checked the length against their own cap only after, so a 64 MiB {@code log} or {@code
   * http_request} range cost the host 64 MiB (and its decoding) per call. A range over the caller's
   * cap is now refused before a byte is copied.
   */
  @Test
  void refusesARangeLongerThanTheCallersCapWithoutCopyingIt() {
    Memory large = new ByteArrayMemory(new MemoryLimits(1024, 1024));
    int[] copied = {0};
    Memory counting =
        (Memory)
            Proxy.newProxyInstance(
                Memory.class.getClassLoader(),
                new Class<?>[] {Memory.class},
                (proxy, method, args) -> {
                  if (method.getName().startsWith("read")) {
                    copied[0]++;
                  }
                  return method.invoke(large, args);
                });

    assertThat(GuestMemory.read(counting, "http_request", 0, 64 << 20, (1 << 20) + 65_536))
        .isEmpty();
    assertThat(GuestMemory.read(counting, "log", 0, 1, -1)).isEmpty();
    assertThat(copied[0]).isZero();
    assertThat(GuestMemory.read(counting, "log", 0, 3, 3)).hasValue(new byte[3]);
    assertThat(copied[0]).isOne();
  }

  @Test
  void checksTheRangeBeforeTheCap() {
    assertThatThrownBy(() -> GuestMemory.read(memory, "kv_get", 65_535, 300, 256))
        .isInstanceOf(GuestHalt.class);
  }

  @Test
  void checksTheWholeGuestBufferBeforeWritingEvenWhenTheDataIsShorter() {
    assertThatThrownBy(() -> GuestMemory.write(memory, "input_read", 65_530, 100, new byte[] {1}))
        .isInstanceOf(GuestHalt.class);
    assertThat(memory.read(65_530)).isZero();
  }

  @Test
  void treatsAModuleWithoutMemoryAsZeroBytes() {
    assertThatThrownBy(() -> GuestMemory.read(null, "log", 0, 1, 1))
        .hasMessage("infrafabric.log: range [0, 1) lies outside linear memory of 0 bytes");
    assertThat(GuestMemory.read(null, "log", 0, 0, 0)).hasValue(new byte[0]);
  }
}
