package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.FunctionBody;

/**
 * The heap a parsed module keeps for as long as it stays compiled: Chicory keeps every function's
 * instructions beside the compiled code (instances are made from it), and they, not the binary, are
 * what a module costs. Counted from the parsed module itself, so a module that parses into more
 * than its bytes suggest is charged what it holds.
 */
final class ModuleFootprint {

  /**
   * Heap per parsed instruction: an {@code AnnotatedInstruction} (48 bytes) and its operands'
   * {@code long[]} (12 on average). Measured by the adversarial probe's class histogram on Chicory
   * 1.7.5: 16,259,775 instructions held 780 MB, their operands 196 MB.
   */
  static final long INSTRUCTION = 64;

  /** Heap per declared local: a reference in the body's list of locals, with the list's slack. */
  static final long LOCAL = 16;

  private ModuleFootprint() {}

  /** What {@code module} keeps on the heap while compiled: instructions, locals and data. */
  static long retainedBytes(WasmModule module) {
    long bytes = 0;
    for (FunctionBody body : module.codeSection().functionBodies()) {
      bytes += body.instructions().size() * INSTRUCTION + body.localTypes().size() * LOCAL;
    }
    for (DataSegment segment : module.dataSection().dataSegments()) {
      bytes += segment.data().length;
    }
    return bytes;
  }
}
