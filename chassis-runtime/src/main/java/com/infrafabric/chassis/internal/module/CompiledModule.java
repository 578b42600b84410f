package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.infrafabric.hostapi.contract.ModuleDigest;
import java.util.function.Function;

/**
 * A module parsed and compiled to JVM byte code once, shared by every instance of every tool
 * version with this digest. Neither part may be changed after compilation.
 *
 * @param digest SHA-256 of the bytes
 * @param module the parsed module
 * @param machineFactory the compiled code, reused for each fresh instance
 * @param retainedBytes the heap the parsed module keeps while compiled ({@link ModuleFootprint})
 */
public record CompiledModule(
    ModuleDigest digest,
    WasmModule module,
    Function<Instance, Machine> machineFactory,
    long retainedBytes) {}
