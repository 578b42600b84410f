package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.HostFunction;
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
                      return f.handle().apply(instance, args);
                    }))
        .toList();
  }
}
