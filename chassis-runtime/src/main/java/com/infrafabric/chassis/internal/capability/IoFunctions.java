package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.chassis.internal.sandbox.PendingResult;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.HostFunction;

/** {@code input_size}, {@code input_read}, {@code output_write} and {@code result_read}. */
final class IoFunctions {

  private IoFunctions() {}

  static WasmFunctionHandle handle(HostFunction function, Invocation invocation) {
    return switch (function) {
      case INPUT_SIZE -> (instance, args) -> Returns.value(invocation.input().length);
      case INPUT_READ ->
          (instance, args) ->
              copyOut(
                  instance.memory(),
                  "input_read",
                  (int) args[0],
                  (int) args[1],
                  new PendingResult.Ready(invocation.input()));
      case OUTPUT_WRITE ->
          (instance, args) -> {
            byte[] bytes =
                GuestMemory.read(
                        instance.memory(),
                        "output_write",
                        (int) args[0],
                        (int) args[1],
                        invocation.outputRoom())
                    .orElseThrow(invocation::outputFull);
            invocation.writeOutput(bytes, 0, bytes.length);
            return Returns.ok();
          };
      case RESULT_READ ->
          (instance, args) ->
              invocation
                  .result()
                  .map(
                      r ->
                          copyOut(
                              instance.memory(), "result_read", (int) args[0], (int) args[1], r))
                  .orElseGet(() -> Returns.error(AbiError.NO_RESULT));
      default -> throw new IllegalArgumentException(function + " is not an io function");
    };
  }

  /**
   * Copies all of {@code data} into the guest buffer, or nothing if it does not fit; a buffer
   * outside memory traps whether or not the data would fit it.
   */
  private static long[] copyOut(
      com.dylibso.chicory.runtime.Memory memory,
      String name,
      int ptr,
      int len,
      PendingResult data) {
    GuestMemory.check(memory, name, ptr, len);
    if (Integer.toUnsignedLong(len) < data.length()) {
      return Returns.error(AbiError.BUFFER_TOO_SMALL);
    }
    data.copyTo(memory, name, ptr, len);
    return Returns.length(data.length());
  }
}
