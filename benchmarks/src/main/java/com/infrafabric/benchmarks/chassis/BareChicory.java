package com.infrafabric.benchmarks.chassis;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Function;

/**
 * The baseline: the same module parsed and compiled once, then per call a fresh instance with
 * minimal host functions for input and output, and the entry point. No limits, no checks, no thread
 * hop: what a host gives up to get the sandbox.
 */
final class BareChicory {

  private final WasmModule module;
  private final Function<Instance, Machine> machine;

  BareChicory(byte[] bytes) {
    this.module = Parser.parse(bytes);
    this.machine = MachineFactoryCompiler.builder(module).compile();
  }

  /** Instantiates and runs once; returns the output. */
  byte[] run(byte[] input) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ImportValues imports =
        ImportValues.builder()
            .addFunction(
                new HostFunction(
                    "infrafabric",
                    "input_size",
                    FunctionType.of(List.of(), List.of(ValType.I32)),
                    (instance, args) -> new long[] {input.length}))
            .addFunction(
                new HostFunction(
                    "infrafabric",
                    "input_read",
                    FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
                    (instance, args) -> {
                      instance.memory().write((int) args[0], input);
                      return new long[] {input.length};
                    }))
            .addFunction(
                new HostFunction(
                    "infrafabric",
                    "output_write",
                    FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
                    (instance, args) -> {
                      output.writeBytes(instance.memory().readBytes((int) args[0], (int) args[1]));
                      return new long[] {0};
                    }))
            .build();
    Instance instance =
        Instance.builder(module).withImportValues(imports).withMachineFactory(machine).build();
    instance.export("run").apply();
    return output.toByteArray();
  }
}
