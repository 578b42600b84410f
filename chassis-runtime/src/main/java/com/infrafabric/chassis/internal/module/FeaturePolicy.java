package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.MalformedModuleException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The WebAssembly features tools may use: the 1.0 core plus sign extension, saturating conversions,
 * bulk memory, reference types, multi-value and mutable globals. Threads (shared memory, atomics),
 * exceptions, GC, typed function references, tail calls, SIMD and multiple memories are refused:
 * each adds runtime paths (blocking waits, unwinding, a second heap) that the limits here were not
 * built for, and refusing them keeps the attack surface the small one.
 */
final class FeaturePolicy {

  private static final Set<OpCode> DISABLED = disabledOpcodes();

  private FeaturePolicy() {}

  /**
   * @throws MalformedModuleException naming the first disabled feature found
   */
  static void check(WasmModule module) {
    int memories = module.memorySection().map(m -> m.memoryCount()).orElse(0);
    if (memories > 1) {
      throw disabled("multiple memories");
    }
    if (memories == 1 && module.memorySection().get().getMemory(0).limits().shared()) {
      throw disabled("shared memory (threads)");
    }
    if (module.tagSection().isPresent()) {
      throw disabled("exception tags");
    }
    for (int i = 0; i < module.typeSection().subTypeCount(); i++) {
      if (module.typeSection().getSubType(i).compType().funcType() == null) {
        throw disabled("GC struct and array types");
      }
    }
    FunctionBody[] bodies = module.codeSection().functionBodies();
    for (int f = 0; f < bodies.length; f++) {
      for (AnnotatedInstruction instruction : bodies[f].instructions()) {
        if (DISABLED.contains(instruction.opcode())) {
          throw disabled("instruction " + instruction.opcode() + " (in function body " + f + ")");
        }
      }
    }
  }

  private static Set<OpCode> disabledOpcodes() {
    Set<OpCode> disabled = EnumSet.noneOf(OpCode.class);
    Set<OpCode> explicit =
        EnumSet.of(
            OpCode.THROW,
            OpCode.THROW_REF,
            OpCode.TRY_TABLE,
            OpCode.RETURN_CALL,
            OpCode.RETURN_CALL_INDIRECT,
            OpCode.RETURN_CALL_REF,
            OpCode.CALL_REF,
            OpCode.REF_AS_NON_NULL,
            OpCode.BR_ON_NULL,
            OpCode.BR_ON_NON_NULL,
            OpCode.REF_EQ,
            OpCode.ANY_CONVERT_EXTERN,
            OpCode.EXTERN_CONVERT_ANY,
            OpCode.REF_I31,
            OpCode.I31_GET_S,
            OpCode.I31_GET_U,
            OpCode.REF_TEST,
            OpCode.REF_TEST_NULL,
            OpCode.CAST_TEST,
            OpCode.CAST_TEST_NULL,
            OpCode.BR_ON_CAST,
            OpCode.BR_ON_CAST_FAIL);
    disabled.addAll(explicit);
    for (OpCode opcode : OpCode.values()) {
      String name = opcode.name();
      if (name.startsWith("V128_")
          || name.contains("ATOMIC")
          || name.startsWith("STRUCT_")
          || name.startsWith("ARRAY_")) {
        disabled.add(opcode);
      }
    }
    return disabled;
  }

  static MalformedModuleException disabled(String feature) {
    return new MalformedModuleException(
        ErrorCode.MALFORMED_MODULE, "module uses a disabled feature: " + feature);
  }
}
