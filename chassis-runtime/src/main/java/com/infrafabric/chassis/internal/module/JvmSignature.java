package com.infrafabric.chassis.internal.module;

import com.infrafabric.chassis.ErrorCode;
import com.infrafabric.chassis.LimitExceededException;

/**
 * The widest function type the compiler can turn into JVM methods. A JVM method takes at most 255
 * slots of parameters (JVMS 4.3.3), where i64 and f64 take two. Chicory passes several results
 * through a static method taking each result as a parameter, so results take at most 255 slots; an
 * indirect call passes the parameters plus the table index, function index, memory and instance, so
 * parameters take at most 251. A type past either bound makes the compiler throw, or emit byte code
 * the JVM verifier rejects, whichever function or call uses it; checking every declared type
 * refuses such modules before the parser runs, with the reason the compiler would not give.
 */
final class JvmSignature {

  static final int MAX_PARAMETER_SLOTS = 255 - 4;
  static final int MAX_RESULT_SLOTS = 255;

  private JvmSignature() {}

  /** The JVM slots a value of the wasm value type {@code type} (its binary code) takes. */
  static int slots(int type) {
    return type == 0x7E || type == 0x7C ? 2 : 1;
  }

  /**
   * @throws LimitExceededException with {@link ErrorCode#MODULE_NOT_COMPILABLE} if type {@code
   *     index}'s {@code parameters} or {@code results} (counted in values and in slots) are too
   *     wide
   */
  static void check(long index, Arity parameters, Arity results) {
    within(index, parameters, "parameters", "take", MAX_PARAMETER_SLOTS);
    within(index, results, "results", "return", MAX_RESULT_SLOTS);
  }

  /** How many values one side of a function type declares, and the JVM slots they take. */
  record Arity(long values, long slots) {}

  private static void within(long index, Arity arity, String what, String verb, int max) {
    if (arity.slots() > max) {
      throw new LimitExceededException(
          ErrorCode.MODULE_NOT_COMPILABLE,
          "type "
              + index
              + " declares "
              + arity.values()
              + " "
              + what
              + " taking "
              + arity.slots()
              + " JVM slots (i64 and f64 take two), above the "
              + max
              + " a compiled function can "
              + verb);
    }
  }
}
