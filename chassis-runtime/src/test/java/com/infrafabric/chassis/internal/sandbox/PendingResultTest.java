package com.infrafabric.chassis.internal.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.infrafabric.chassis.ToolRef;
import com.infrafabric.chassis.testing.TestChassis;
import com.infrafabric.hostapi.contract.ResourceLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the result slot holds for a JSON answer ending in a long text (an HTTP body), and what the
 * tool reads of it.
 */
@Timeout(60)
class PendingResultTest {

  private static final JsonObject HEAD =
      new JsonObject().put("status", 200).put("headers", new JsonObject().put("a", "b\u0002"));

  /**
   * Regression: a body was encoded into the slot at once, so each control byte took six host bytes
   * ({@code \u0001}): an 8,000,000-byte body of 0x01 held 48 MB for a 16-page tool, and building it
   * allocated more than twice that. The slot now holds the text and escapes it as it is read.
   */
  @Test
  void aBodyOfControlBytesIsHeldAtItsOwnSize() {
    String body = "\u0001".repeat(8_000_000);
    Invocation invocation = invocation();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    long length = invocation.result(HEAD, "body", body);

    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    PendingResult held = invocation.result().orElseThrow();
    assertThat(length).isEqualTo(encoded(body).length).isGreaterThan(48_000_000);
    assertThat(held.length()).isEqualTo(length);
    assertThat(held.heldBytes()).isLessThan(2 * 8_000_000 + 1024);
    assertThat(allocated).isLessThan(body.length());
  }

  @Test
  void theToolReadsWhatEncodingTheWholeAnswerAtOnceWouldGive() {
    String body =
        "x".repeat(PendingResult.CHUNK_CHARS - 1)
            + "\uD83D\uDE00 \"quoted\" \\ \n\t\u0000\u001f é ✓ "
            + "\u0001".repeat(3 * PendingResult.CHUNK_CHARS);
    Invocation invocation = invocation();
    long length = invocation.result(HEAD, "body", body);
    Memory memory = new ByteArrayMemory(new MemoryLimits(4, 4));

    invocation.result().orElseThrow().copyTo(memory, "result_read", 16, (int) length);

    assertThat(memory.readBytes(16, (int) length)).isEqualTo(encoded(body));
    assertThat(memory.read(16 + (int) length)).isZero();
  }

  private static byte[] encoded(String body) {
    return HEAD.copy().put("body", body).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static Invocation invocation() {
    return new Invocation(
        ToolRef.parse("fetch@1.0.0"),
        TestChassis.CONTEXT,
        ResourceLimits.builder().build(),
        new byte[0],
        Optional.empty(),
        new GuestLogs(10, 10, 10, Clock.systemUTC(), new SimpleMeterRegistry()));
  }
}
