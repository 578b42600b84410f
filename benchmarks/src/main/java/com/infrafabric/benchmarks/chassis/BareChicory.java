package com.infrafabric.benchmarks.chassis;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The baseline: the same module parsed and compiled once, then per call a fresh instance with
 * minimal host functions for input and output, and the entry point. No limits, no checks, no thread
 * hop: what a host gives up to get the sandbox.
 *
 * <p>Chicory's default memory is a {@code ByteBufferMemory} sized for the module's declared
 * maximum, and a module that declares none (the trivial guest) gets a table for 32,767 pages, 128
 * KiB allocated per instance; the chassis gives every instance a {@code ByteArrayMemory} capped at
 * the contract's pages. {@link #withCappedMemory} runs bare Chicory with that memory, so the two
 * can be compared on equal allocation too.
 */
final class BareChicory {

  private final WasmModule module;
  private final Function<Instance, Machine> machine;
  private final Optional<Integer> maxPages;

  private BareChicory(byte[] bytes, Optional<Integer> maxPages) {
    this.module = Parser.parse(bytes);
    this.machine = MachineFactoryCompiler.builder(module).compile();
    this.maxPages = maxPages;
  }

  /** Chicory's defaults. */
  static BareChicory withDefaults(byte[] bytes) {
    return new BareChicory(bytes, Optional.empty());
  }

  /** A {@code ByteArrayMemory} whose maximum is {@code maxPages}, as the chassis builds it. */
  static BareChicory withCappedMemory(byte[] bytes, int maxPages) {
    return new BareChicory(bytes, Optional.of(maxPages));
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
    Instance.Builder builder =
        Instance.builder(module).withImportValues(imports).withMachineFactory(machine);
    maxPages.ifPresent(
        cap ->
            builder.withMemoryFactory(
                declared ->
                    new ByteArrayMemory(
                        new MemoryLimits(
                            declared.initialPages(), Math.min(declared.maximumPages(), cap)))));
    Instance instance = builder.build();
    instance.export("run").apply();
    return output.toByteArray();
  }
}
