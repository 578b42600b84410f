package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;
import com.infrafabric.chassis.ModuleCaps;

/**
 * Counts the labels a parsed module's branches name (one per {@code br}, {@code br_if} and {@code
 * br_on_*}, one per target of a {@code br_table}, its default included) and holds them to {@link
 * ModuleCaps#maxBranchTargetsPerFunction()} and {@link ModuleCaps#maxBranchTargets()} before the
 * module is compiled.
 *
 * <p>Compiling is where these cost: Chicory emits each as a JVM jump through ASM, whose {@code
 * Label} grows its list of forward references six entries at a time, so n branches to one label
 * take time quadratic in n (a single 1 MB {@code br_table} kept a build thread for minutes). A JVM
 * method holds at most 65,535 bytes and each of these jumps takes 3 or 4, so a function with more
 * than about 16,000 of them never compiles anyway; the per-function cap refuses it before the
 * quadratic work rather than after, and the module cap bounds the sum of what the functions under
 * it cost. Parsing them is linear and already bounded by the size caps. Stateless.
 */
final class BranchTargets {

  private BranchTargets() {}

  /**
   * @throws LimitExceededException with {@link ErrorCode#MODULE_TOO_LARGE} naming the first cap
   *     exceeded
   */
  static void check(WasmModule module, ModuleCaps caps) {
    long total = 0;
    FunctionBody[] bodies = module.codeSection().functionBodies();
    for (int i = 0; i < bodies.length; i++) {
      long targets = inFunction(i, bodies[i], caps.maxBranchTargetsPerFunction());
      total += targets;
      if (total > caps.maxBranchTargets()) {
        throw tooMany(
            "module branches to "
                + total
                + " labels or more, above the cap of "
                + caps.maxBranchTargets());
      }
    }
  }

  private static long inFunction(int index, FunctionBody body, int cap) {
    long targets = 0;
    for (AnnotatedInstruction instruction : body.instructions()) {
      targets += targets(instruction);
      if (targets > cap) {
        throw tooMany(
            "function body "
                + index
                + " branches to "
                + targets
                + " labels or more, above the cap of "
                + cap
                + " per function");
      }
    }
    return targets;
  }

  private static int targets(AnnotatedInstruction instruction) {
    return switch (instruction.opcode()) {
      case BR, BR_IF, BR_ON_NULL, BR_ON_NON_NULL, BR_ON_CAST, BR_ON_CAST_FAIL -> 1;
      case BR_TABLE -> instruction.operandCount();
      default -> 0;
    };
  }

  private static LimitExceededException tooMany(String message) {
    return new LimitExceededException(ErrorCode.MODULE_TOO_LARGE, message);
  }
}
