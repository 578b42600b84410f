package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.infrafabric.hostapi.abi.HostFunction;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.Set;

/**
 * A parsed module that passed every check for its contract. The parsed module is shared by all
 * instances and must never be changed.
 *
 * @param module the parsed module
 * @param digest its SHA-256
 * @param entryPoint how it is started
 * @param hostImports the ABI functions it imports
 * @param wasiImports the WASI functions it imports, by name
 */
public record ValidatedModule(
    WasmModule module,
    ModuleDigest digest,
    EntryPoint entryPoint,
    Set<HostFunction> hostImports,
    Set<String> wasiImports) {

  public ValidatedModule {
    hostImports = Set.copyOf(hostImports);
    wasiImports = Set.copyOf(wasiImports);
  }
}
