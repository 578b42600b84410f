package com.infrafabric.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.infrafabric.chassis.InvocationResult;
import com.infrafabric.chassis.Outcome;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.Guests;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tool's output reaches its caller only if it is JSON a strict reader accepts, whether or not the
 * contract declares an output schema: the probe got a repeated name, a lone surrogate, an exponent
 * no decimal holds and bytes that are not UTF-8 (replaced on the way) through as SUCCESS.
 */
@Timeout(60)
class StrictOutputTest {

  @RegisterExtension static final SandboxHost HOST = SandboxHost.create();

  /** A guest that writes {@code bytes} (WebAssembly text string escapes) and returns 0. */
  private static byte[] writing(String bytes, int length) {
    return Guests.wat(
        """
        (module
          (import "infrafabric" "output_write" (func $w (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 0) "%s")
          (func (export "run") (result i32)
            (drop (call $w (i32.const 0) (i32.const %d)))
            (i32.const 0)))
        """
            .formatted(bytes, length));
  }

  @Test
  void outputAStrictReaderRefusesIsInvalidOutput() {
    Map<String, byte[]> refused =
        Map.of(
            "a repeated name", writing("{\\\"a\\\":1,\\\"a\\\":2}", 13),
            "a lone surrogate", writing("\\\"\\\\ud800\\\"", 8),
            "an exponent out of range", writing("1e2147483648", 12),
            "bytes that are not UTF-8", writing("\\\"\\c0\\af\\\"", 4));
    refused.forEach(
        (what, module) -> {
          ToolRef tool = HOST.register(module, c -> c).ref();
          InvocationResult result = HOST.invoke(tool, "{}");
          assertThat(result.outcome()).as(what).isEqualTo(Outcome.INVALID_OUTPUT);
        });
    ToolRef fine =
        HOST.register(writing("{\\\"a\\\":[1e999,\\\"\\e2\\82\\ac\\\"]}", 19), c -> c).ref();
    InvocationResult answered = HOST.invoke(fine, "{}");
    assertThat(answered.outcome()).as(answered.message()).isEqualTo(Outcome.SUCCESS);
    assertThat(answered.output()).isEqualTo("{\"a\":[1e999,\"\u20ac\"]}");
  }
}
