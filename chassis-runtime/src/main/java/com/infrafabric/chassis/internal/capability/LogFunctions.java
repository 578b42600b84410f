package com.infrafabric.chassis.internal.capability;

import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.infrafabric.chassis.internal.sandbox.GuestMemory;
import com.infrafabric.chassis.internal.sandbox.Invocation;
import com.infrafabric.hostapi.abi.AbiError;
import com.infrafabric.hostapi.abi.LogLevel;

/**
 * {@code log(level, ptr, len)}: bounded by the contract's log bytes, tagged by the invocation. A
 * message longer than the log bytes left stops the tool before the host copies it.
 */
final class LogFunctions {

  private LogFunctions() {}

  static WasmFunctionHandle log(Invocation invocation) {
    return (instance, args) -> {
      var level = LogLevel.ofAbiValue((int) args[0]);
      if (level.isEmpty()) {
        return Returns.error(AbiError.INVALID_ARGUMENT);
      }
      byte[] message =
          GuestMemory.read(
                  instance.memory(),
                  "log",
                  (int) args[1],
                  (int) args[2],
                  invocation.logMessageRoom())
              .orElseThrow(invocation::logFull);
      invocation.log(level.get(), message);
      return Returns.ok();
    };
  }
}
