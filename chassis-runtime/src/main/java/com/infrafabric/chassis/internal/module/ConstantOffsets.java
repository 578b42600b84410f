package com.infrafabric.chassis.internal.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.Instruction;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * The offsets of active segments, evaluated as the runtime will evaluate them when it instantiates
 * the module, for the offsets the module alone fixes: {@code i32.const}, the extended-constant
 * {@code i32.add}, {@code i32.sub} and {@code i32.mul}, and {@code global.get} of a global the
 * module defines with such an expression. Anything else, notably {@code global.get} of an imported
 * global, whose value only the host knows, has no value here. Not thread-safe; one per module.
 */
final class ConstantOffsets {

  private final int importedGlobals;
  private final OptionalInt[] definedGlobals;

  /**
   * Evaluates the module's own globals in order, each seeing only those before it (as a global's
   * initializer may), so a chain of globals costs no recursion.
   */
  ConstantOffsets(WasmModule module) {
    importedGlobals = module.importSection().count(ExternalType.GLOBAL);
    GlobalSection globals = module.globalSection();
    definedGlobals = new OptionalInt[globals.globalCount()];
    for (int g = 0; g < definedGlobals.length; g++) {
      int before = importedGlobals + g;
      definedGlobals[g] =
          evaluate(
              globals.getGlobal(g).initInstructions(),
              index -> index < before ? global(index) : OptionalInt.empty());
    }
  }

  /** The value of {@code expression} as an unsigned 32-bit offset, if the module alone fixes it. */
  OptionalLong of(List<Instruction> expression) {
    OptionalInt value = evaluate(expression, this::global);
    return value.isPresent()
        ? OptionalLong.of(Integer.toUnsignedLong(value.getAsInt()))
        : OptionalLong.empty();
  }

  private OptionalInt global(int index) {
    int defined = index - importedGlobals;
    return defined >= 0 && defined < definedGlobals.length
        ? definedGlobals[defined]
        : OptionalInt.empty();
  }

  /** Wraps as the runtime's i32 arithmetic does. */
  private static OptionalInt evaluate(
      List<Instruction> expression, IntFunction<OptionalInt> global) {
    Deque<Integer> stack = new ArrayDeque<>();
    for (Instruction instruction : expression) {
      switch (instruction.opcode()) {
        case I32_CONST -> stack.push((int) instruction.operand(0));
        case GLOBAL_GET -> {
          OptionalInt value = global.apply((int) instruction.operand(0));
          if (value.isEmpty()) {
            return OptionalInt.empty();
          }
          stack.push(value.getAsInt());
        }
        case I32_ADD, I32_SUB, I32_MUL -> {
          if (stack.size() < 2) {
            return OptionalInt.empty();
          }
          int right = stack.pop();
          int left = stack.pop();
          stack.push(
              switch (instruction.opcode()) {
                case I32_ADD -> left + right;
                case I32_SUB -> left - right;
                default -> left * right;
              });
        }
        default -> {
          return OptionalInt.empty();
        }
      }
    }
    return stack.size() == 1 ? OptionalInt.of(stack.pop()) : OptionalInt.empty();
  }
}
