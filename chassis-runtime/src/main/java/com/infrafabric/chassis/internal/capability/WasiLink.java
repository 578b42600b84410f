package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.LogLevel;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The closed WASI preview 1 profile: stdin is the invocation input, stdout goes to the bounded
 * output, stderr to the bounded log; no preopened directories (so every path call fails), no
 * environment, no arguments. Only the functions the module imports are linked, each counted as a
 * host call.
 */
final class WasiLink {

  private static final int STDOUT = 1;
  private static final int STDERR = 2;

  /** An iovec: a 32-bit pointer, then a 32-bit length. */
  private static final int IOVEC_BYTES = 8;

  private WasiLink() {}

  static WasiPreview1 create(Invocation invocation) {
    WasiOptions options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(invocation.input()), false)
            .withStdout(sink(invocation::writeOutput), false)
            .withStderr(
                sink(
                    (bytes, offset, length) ->
                        invocation.log(
                            LogLevel.WARN, Arrays.copyOfRange(bytes, offset, offset + length))),
                false)
            .build();
    return WasiPreview1.builder().withOptions(options).build();
  }

  /** Where a stream's bytes go; may stop the guest when a limit is reached. */
  private interface Sink {
    void accept(byte[] bytes, int offset, int length);
  }

  private static OutputStream sink(Sink sink) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        sink.accept(bytes, offset, length);
      }
    };
  }

  static List<HostFunction> functions(
      WasiPreview1 wasi, Set<String> imported, Invocation invocation) {
    return Arrays.stream(wasi.toHostFunctions())
        .filter(f -> imported.contains(f.name()))
        .map(
            f ->
                new HostFunction(
                    f.module(),
                    f.name(),
                    f.functionType(),
                    (instance, args) -> {
                      invocation.hostCall();
                      if (f.name().equals("fd_write")) {
                        refuseOversizedWrite(instance.memory(), args, invocation);
                      }
                      return f.handle().apply(instance, args);
                    }))
        .toList();
  }

  /**
   * Stops the tool before an {@code fd_write} to stdout or stderr copies an iovec longer than what
   * that stream has left (the output, or the log's next message): Chicory copies each iovec out of
   * guest memory before the stream sees it, so one call could otherwise make the host copy the
   * guest's whole memory only to refuse it. An iovec array outside memory is left to Chicory, which
   * fails the call.
   */
  static void refuseOversizedWrite(Memory memory, long[] args, Invocation invocation) {
    int fd = (int) args[0];
    if (memory == null || (fd != STDOUT && fd != STDERR)) {
      return;
    }
    long room = fd == STDOUT ? invocation.outputRoom() : invocation.logMessageRoom();
    long iovs = Integer.toUnsignedLong((int) args[1]);
    long count = Integer.toUnsignedLong((int) args[2]);
    if (iovs + IOVEC_BYTES * count > (long) memory.pages() * Memory.PAGE_SIZE) {
      return;
    }
    for (long i = 0; i < count; i++) {
      long length = Integer.toUnsignedLong(memory.readInt((int) (iovs + IOVEC_BYTES * i + 4)));
      if (length > room) {
        throw fd == STDOUT ? invocation.outputFull() : invocation.logFull();
      }
    }
  }
}
